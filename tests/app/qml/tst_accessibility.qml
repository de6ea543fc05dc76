// Every control on every page has a name a screen reader can say (Accessible.name,
// or the control's own text).
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "Accessibility"
    when: windowShown
    visible: true

    function openWindow(width, height) {
        const component = Qt.createComponent("qrc:/Doorstep/qml/Main.qml")
        compare(component.status, Component.Ready, component.errorString())
        return createTemporaryObject(component, testCase, { width: width, height: height })
    }
    function checkPage(window, what) {
        wait(400)   // the page transition
        const unnamed = TestSupport.unnamedControls(window.contentItem)
        compare(unnamed, [], what + ": " + unnamed.join(", "))
    }

    function test_every_page_names_its_controls_data() {
        return [{ tag: "phone", width: 360, height: 740 }, { tag: "tablet", width: 1280, height: 800 }]
    }
    function test_every_page_names_its_controls(data) {
        verify(TestSupport.ensureUnlocked())
        const window = openWindow(data.width, data.height)
        const shell = findChild(window.contentItem, "shell")
        verify(shell)
        for (const key of ["today", "caseload", "report", "sync", "settings"]) {
            shell.go(key)
            checkPage(window, key)
        }
        shell.openPerson(TestSupport.firstPerson())
        checkPage(window, "person")
        shell.writeNote(Timeline.caseId)
        checkPage(window, "note editor")
        Notes.discard()
        shell.openForm("reablement_review", Timeline.caseId)
        Form.addRepeat("tasks")
        checkPage(window, "form")
        Form.discard()
        const visit = TestSupport.plannedVisit()
        if (visit.length > 0) {
            shell.openVisit(visit)
            checkPage(window, "visit")
        }
        Session.lock()
        checkPage(window, "unlock")
    }

    function test_the_sign_in_page_names_its_controls() {
        const window = openWindow(360, 740)
        verify(TestSupport.ensureUnlocked())
        Session.addWorker()
        checkPage(window, "sign in")
        Session.cancelAddWorker()
    }
}
