// Note editor: the text saves itself as a draft; "Save note" makes it final and it
// appears in the person's timeline; a draft comes back when the case is reopened.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "NoteEditorPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; NoteEditorPage {} }
    SignalSpy { id: done; signalName: "done" }

    function init() {
        verify(TestSupport.ensureUnlocked())
        Timeline.open(TestSupport.firstPerson())
        Notes.start(Timeline.caseId)
        Notes.discard()
    }

    function type(text) {
        for (let i = 0; i < text.length; ++i) keyClick(text[i])
    }

    function test_predictive_text_is_off() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        verify(page.bodyArea.inputMethodHints & Qt.ImhNoPredictiveText)
    }

    function test_a_saved_note_appears_in_the_timeline() {
        Notes.start(Timeline.caseId)
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        done.target = page
        done.clear()
        page.bodyArea.forceActiveFocus()
        type("Seen at home with mum, kitchen tidy")
        mouseClick(page.saveButton)
        compare(done.count, 1)
        compare(Notes.error, "")
        verify(TestSupport.timelineSummaries().some(s => s.indexOf("Seen at home with mum, kitchen tidy") >= 0))
        compare(Sync.pending > 0, true)
    }

    function test_the_draft_saves_itself_and_comes_back() {
        Notes.start(Timeline.caseId)
        let page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        page.bodyArea.forceActiveFocus()
        type("Half-written thought")
        tryVerify(() => Notes.draftId.length > 0, 15000)
        page.destroy()
        Notes.close()
        compare(Notes.body, "")
        Notes.start(Timeline.caseId)
        page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        compare(page.bodyArea.text, "Half-written thought")
        Notes.discard()
    }

    function test_the_draft_is_saved_when_the_app_locks() {
        Notes.start(Timeline.caseId)
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        page.bodyArea.forceActiveFocus()
        type("Typed just before the lock")
        Session.lock()
        compare(Notes.body, "")
        verify(TestSupport.ensureUnlocked())
        Timeline.open(TestSupport.firstPerson())
        Notes.start(Timeline.caseId)
        compare(Notes.body, "Typed just before the lock")
        Notes.discard()
    }
}
