// Person page: warning markers first, then one timeline; a note goes to the editor.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "PersonPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; PersonPage {} }
    SignalSpy { id: writeNote; signalName: "writeNote" }

    function init() { verify(TestSupport.ensureUnlocked()) }

    function test_shows_the_person_and_their_history() {
        Timeline.open(TestSupport.firstPerson())
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        compare(page.title, TestSupport.firstPersonName())
        verify(Timeline.count > 0)
        tryVerify(() => page.list.count === Timeline.count)
        verify(TestSupport.holdsText(page, TestSupport.timelineSummaries()[0]))
        verify(Timeline.caseId.length > 0)
    }

    function test_markers_come_first() {
        Timeline.open(TestSupport.firstPerson())
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        verify(Timeline.markers.length > 0, "the demo's first person carries a warning marker")
        verify(TestSupport.holdsText(page, "Warning: " + Timeline.markers[0]))
    }

    function test_write_a_note_names_the_case() {
        Timeline.open(TestSupport.firstPerson())
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        writeNote.target = page
        writeNote.clear()
        waitForRendering(page)
        const button = findChild(page, "writeNoteButton")
        verify(button)
        mouseClick(button)
        compare(writeNote.count, 1)
        compare(writeNote.signalArguments[0][0], Timeline.caseId)
    }
}
