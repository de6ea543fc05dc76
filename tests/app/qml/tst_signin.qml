// Sign-in page: a worker enrols a new device against the real hub and lands unlocked;
// a password the council reset is replaced at sign-in; a disabled account is told so.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "SignInPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; SignInPage {} }

    function type(field, text) {
        field.forceActiveFocus()
        field.selectAll()
        for (let i = 0; i < text.length; ++i) keyClick(text[i])
    }

    function test_a_wrong_password_leaves_nothing_on_the_device() {
        TestSupport.resetDevice()
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        type(page.serverField, TestSupport.serverUrl)
        type(page.userField, "sam")
        type(page.passwordField, "not-the-password")
        type(page.pinField, "4826")
        type(page.pinAgainField, "4826")
        mouseClick(page.enrolButton)
        tryVerify(() => Session.error.length > 0, 30000)
        compare(Session.state, WorkerSession.NeedsEnrolment)
        compare(Session.users.length, 0)
    }

    function test_pins_that_differ_are_refused_before_the_hub_is_asked() {
        TestSupport.resetDevice()
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        type(page.serverField, TestSupport.serverUrl)
        type(page.userField, "sam")
        type(page.passwordField, TestSupport.password)
        type(page.pinField, "4826")
        type(page.pinAgainField, "4827")
        mouseClick(page.enrolButton)
        compare(Session.error, "The two PINs are not the same")
        compare(Session.busy, false)
    }

    function fillIn(page, name, password) {
        type(page.serverField, TestSupport.serverUrl)
        type(page.userField, name)
        type(page.passwordField, password)
        type(page.pinField, TestSupport.pin)
        type(page.pinAgainField, TestSupport.pin)
    }

    function test_a_password_the_council_reset_is_replaced_at_sign_in() {
        TestSupport.resetDevice()
        const oneTime = TestSupport.resetPassword("priya")
        verify(oneTime.length > 0)
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        verify(!page.newPasswordField.visible)
        fillIn(page, "priya", oneTime)
        mouseClick(page.enrolButton)
        tryVerify(() => Session.passwordChangeRequired && !Session.busy, 30000)
        compare(Session.state, WorkerSession.NeedsEnrolment)
        compare(Session.users.length, 0)  // nothing is kept until the new password is set
        verify(page.newPasswordField.visible)
        verify(page.newPasswordAgainField.visible)
        verify(page.passwordChangeMessage.visible)
        verify(TestSupport.holdsText(page, "reset your password"))
        compare(page.enrolButton.text, "Set password and sign in")
        compare(Session.error, "")
        TestSupport.screenshot(page, "phone-sign-in-new-password", 360, 740)
        TestSupport.screenshot(page, "tablet-sign-in-new-password", 1280, 800)

        // Two entries that differ are caught before the hub is asked. (Return in the
        // second field sends the form: the button is below the fold on a phone now.)
        type(page.newPasswordField, "lantern-orchard-cobble-42")
        type(page.newPasswordAgainField, "lantern-orchard-cobble-43")
        keyClick(Qt.Key_Return)
        compare(Session.error, "The two new passwords are not the same")

        // A weak one: the hub's reason is shown, and the page still asks.
        type(page.newPasswordField, "short")
        type(page.newPasswordAgainField, "short")
        keyClick(Qt.Key_Return)
        tryVerify(() => Session.error.length > 0 && !Session.busy, 30000)
        verify(Session.error !== "The two new passwords are not the same")
        verify(Session.passwordChangeRequired)
        compare(Session.state, WorkerSession.NeedsEnrolment)
        TestSupport.screenshot(page, "tablet-sign-in-weak-password", 1280, 800)

        type(page.newPasswordField, "lantern-orchard-cobble-42")
        type(page.newPasswordAgainField, "lantern-orchard-cobble-42")
        keyClick(Qt.Key_Return)
        tryCompare(Session, "state", WorkerSession.Unlocked, 30000)
        compare(Session.user, "priya")
        verify(!Session.passwordChangeRequired)
        verify(TestSupport.waitForSync())
        TestSupport.resetDevice()
    }

    function test_a_disabled_account_is_told_so() {
        TestSupport.resetDevice()
        verify(TestSupport.setAccountEnabled("joe", false))
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        fillIn(page, "joe", TestSupport.password)
        mouseClick(page.enrolButton)
        tryVerify(() => Session.error.length > 0 && !Session.busy, 30000)
        verify(Session.error.indexOf("This account is disabled") === 0, Session.error)
        verify(!Session.passwordChangeRequired)
        compare(Session.users.length, 0)
        TestSupport.screenshot(page, "phone-sign-in-account-disabled", 360, 740)
        verify(TestSupport.setAccountEnabled("joe", true))
    }

    function test_enrols_and_unlocks_with_the_caseload() {
        TestSupport.resetDevice()
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        type(page.serverField, TestSupport.serverUrl)
        type(page.userField, "sam")
        type(page.passwordField, TestSupport.password)
        type(page.pinField, TestSupport.pin)
        type(page.pinAgainField, TestSupport.pin)
        mouseClick(page.enrolButton)
        tryCompare(Session, "state", WorkerSession.Unlocked, 30000)
        compare(Session.user, "sam")
        verify(TestSupport.waitForSync())
        tryVerify(() => Caseload.count > 0, 15000)
    }
}
