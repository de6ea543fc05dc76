// The whole window (Main.qml) when the council retires the device: the note still
// waiting goes to the hub, then the device erases itself and the sign-in page says
// so in plain words.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "Retired"
    when: windowShown
    visible: true

    function openWindow() {
        const component = Qt.createComponent("qrc:/Doorstep/qml/Main.qml")
        compare(component.status, Component.Ready, component.errorString())
        const window = createTemporaryObject(component, testCase, { width: 360, height: 740 })
        verify(window)
        return window
    }

    function test_a_retired_device_sends_its_note_then_says_it_was_erased() {
        TestSupport.resetDevice()  // Sam alone on the device
        verify(TestSupport.ensureUnlocked())
        const window = openWindow()
        TestSupport.setOnline(false)  // the note waits on the device
        Timeline.open(TestSupport.firstPerson())
        Notes.start(Timeline.caseId)
        Notes.body = "Last visit before the tablet goes back"
        verify(Notes.finalise())
        verify(Sync.pending > 0)
        verify(TestSupport.retireThisDevice())

        TestSupport.setOnline(true)  // connectivity returns: a pass runs
        tryCompare(Session, "state", WorkerSession.NeedsEnrolment, 60000)
        tryVerify(() => !Session.busy, 15000)
        verify(Session.notice.indexOf("Your council retired this device") === 0, Session.notice)
        verify(Session.notice.indexOf("sent the hub the 1 change waiting") > 0, Session.notice)
        compare(Session.users.length, 0)
        verify(TestSupport.hubHasNote("Last visit before the tablet goes back"))
        tryVerify(() => TestSupport.holdsText(window.contentItem, "Your council retired this device"), 15000)
        TestSupport.screenshot(window.contentItem, "phone-retired", 360, 740)
        TestSupport.screenshot(window.contentItem, "tablet-retired", 1280, 800)

        // Signing in again starts afresh, and the notice goes.
        verify(TestSupport.ensureUnlocked())
        compare(Session.notice, "")
    }
}
