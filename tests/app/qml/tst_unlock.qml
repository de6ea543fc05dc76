// Unlock page: a wrong PIN is refused with the attempts left; the right one opens.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "UnlockPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; UnlockPage {} }

    function type(field, text) {
        field.forceActiveFocus()
        for (let i = 0; i < text.length; ++i) keyClick(text[i])
    }

    function init() {
        verify(TestSupport.ensureUnlocked())
        Session.lock()
        compare(Session.state, WorkerSession.Locked)
    }

    function test_wrong_pin_is_refused() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        type(page.pinField, "0000")
        mouseClick(page.unlockButton)
        tryVerify(() => Session.error.length > 0, 20000)
        verify(Session.error.indexOf("PIN") >= 0, Session.error)
        compare(Session.state, WorkerSession.Locked)
        compare(page.pinField.text, "")
    }

    function test_right_pin_unlocks() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        compare(page.chosenUser, "sam")
        type(page.pinField, TestSupport.pin)
        keyClick(Qt.Key_Return)
        tryCompare(Session, "state", WorkerSession.Unlocked, 20000)
        tryVerify(() => Caseload.count > 0, 15000)
    }
}
