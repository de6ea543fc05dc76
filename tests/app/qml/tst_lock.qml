// The whole window (Main.qml): after lock no case data stays in the item tree, and
// the app locks itself after the idle time and after time in the background.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "Lock"
    when: windowShown
    visible: true

    function openWindow() {
        const component = Qt.createComponent("qrc:/Doorstep/qml/Main.qml")
        compare(component.status, Component.Ready, component.errorString())
        const window = createTemporaryObject(component, testCase, { width: 360, height: 740 })
        verify(window)
        return window
    }

    function init() { verify(TestSupport.ensureUnlocked()) }

    function test_after_lock_no_case_text_remains() {
        const window = openWindow()
        const shell = findChild(window.contentItem, "shell")
        verify(shell)
        const name = TestSupport.firstPersonName()
        shell.go("caseload")
        tryVerify(() => TestSupport.holdsText(window.contentItem, name), 15000)
        shell.openPerson(TestSupport.firstPerson())
        tryVerify(() => TestSupport.holdsText(window.contentItem, TestSupport.timelineSummaries()[0]), 15000)
        const summary = TestSupport.timelineSummaries()[0]
        Session.lock()
        tryVerify(() => !TestSupport.holdsText(window.contentItem, name), 15000)
        verify(!TestSupport.holdsText(window.contentItem, summary))
        verify(TestSupport.holdsText(window.contentItem, "Doorstep is locked"))
    }

    function test_locks_after_idle_time() {
        Session.idleLockSeconds = 30   // the shortest allowed
        Session.lock()
        verify(TestSupport.ensureUnlocked())
        tryCompare(Session, "state", WorkerSession.Locked, 40000)
        Session.idleLockSeconds = 300
    }

    function test_locks_after_time_in_the_background() {
        Session.backgroundLockSeconds = 0
        Session.setInBackground(true)
        tryCompare(Session, "state", WorkerSession.Locked, 15000)
        Session.backgroundLockSeconds = 60
    }
}
