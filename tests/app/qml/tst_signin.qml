// Sign-in page: a worker enrols a new device against the real hub and lands unlocked.
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
