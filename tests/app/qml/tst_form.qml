// Form page: every question type of the forms engine, driven through the page: choices,
// relevance, constraint messages, required, repeats, prefill from the record (save_to),
// progress, drafts, and a finished form.
import QtQuick
import QtQuick.Controls
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "FormPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; FormPage {} }

    function init() {
        verify(TestSupport.ensureUnlocked())
        Timeline.open(TestSupport.firstPerson())
        verify(Timeline.caseId.length > 0)
    }
    function cleanup() { if (Form.isOpen) Form.discard() }

    function openPage(formId) {
        verify(Form.open(formId, Timeline.caseId))
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        waitForRendering(page)
        return page
    }
    // The delegate of the row with this path (scrolled into view).
    function row(page, path) {
        for (let i = 0; i < page.list.count; ++i) {
            page.list.positionViewAtIndex(i, ListView.Contain)
            const item = page.list.itemAtIndex(i)
            if (item && item.path === path && item.kind === "question") return item
        }
        fail("no row " + path)
    }
    function find(item, test) {
        if (test(item)) return item
        for (let i = 0; i < item.children.length; ++i) {
            const found = find(item.children[i], test)
            if (found) return found
        }
        return null
    }
    function control(page, path, text) {
        const r = row(page, path)
        const c = find(r, it => it.text === text && it.visible && it.clicked !== undefined)
        verify(c, path + ": no control " + text)
        return c
    }
    function typeInto(page, path, text) {
        const r = row(page, path)
        const field = find(r, it => it.editingFinished !== undefined && it.visible)
        verify(field, path + ": no text field")
        field.forceActiveFocus()
        field.selectAll()
        for (let i = 0; i < text.length; ++i) keyClick(text[i])
        keyClick(Qt.Key_Tab)
    }

    function test_statutory_visit_relevance_constraints_prefill_and_finish() {
        const page = openPage("statutory_visit_child")
        compare(page.title, "Statutory visit (child)")
        verify(Form.total > 0)
        compare(row(page, "home_address").value.length > 0, true)   // save_to person.address, prefilled
        verify(!row(page, "not_seen_reason").visible)
        mouseClick(control(page, "child_seen", "No"))
        compare(row(page, "child_seen").value, "no")
        verify(row(page, "not_seen_reason").visible)
        verify(!row(page, "seen_alone").visible)
        typeInto(page, "not_seen_reason", "Child at grandmother's")
        typeInto(page, "visit_minutes", "abc")
        compare(row(page, "visit_minutes").problem, "Enter a whole number.")
        typeInto(page, "visit_minutes", "700")
        verify(row(page, "visit_minutes").problem.length > 0)
        typeInto(page, "visit_minutes", "45")
        compare(row(page, "visit_minutes").problem, "")
        typeInto(page, "arrival_time", "10:30")
        compare(row(page, "arrival_time").value, "10:30")
        mouseClick(control(page, "visit_date", "Today"))
        verify(row(page, "visit_date").value.length === 10)
        mouseClick(control(page, "any_concerns", "No"))
        const soon = new Date(Date.now() + 3 * 86400000)
        Form.answer("next_visit_date", Qt.formatDate(soon, "yyyy-MM-dd"))
        verify(row(page, "soon_note") !== null)
        const before = Form.answered
        mouseClick(control(page, "declaration", row(page, "declaration").label + " *"))
        compare(row(page, "declaration").value, "OK")
        verify(Form.answered > before)
        mouseClick(page.submitButton)
        compare(Form.problems, [])
        compare(Form.error, "")
        verify(Form.status.indexOf("Finished") === 0, Form.status)
        compare(Form.isOpen, false)
        // The submission is in the person's timeline and waits to be sent.
        verify(TestSupport.timelineSummaries().some(s => s.indexOf("Statutory visit (child)") >= 0),
               TestSupport.timelineSummaries().slice(0, 3).join("; "))
        verify(Sync.pending > 0)
    }

    function test_reablement_repeats_multiple_choice_and_problems() {
        const page = openPage("reablement_review")
        mouseClick(page.submitButton)
        verify(Form.problems.length > 0)
        verify(Form.firstProblemPath.length > 0)
        // select_multiple: two goal areas; each makes its progress question relevant
        mouseClick(control(page, "goal_areas", "Moving about the home"))
        compare(row(page, "goal_areas").value, "mobility")
        verify(row(page, "progress_mobility").visible)
        verify(row(page, "walk_distance_m").visible)
        typeInto(page, "walk_distance_m", "120.5")
        compare(row(page, "walk_distance_m").value, "120.5")
        typeInto(page, "walk_distance_m", "9000")
        verify(row(page, "walk_distance_m").problem.length > 0)
        // repeats: add two tasks, remove the first
        const rows = Form.questions.count
        Form.addRepeat("tasks")
        Form.addRepeat("tasks")
        verify(Form.questions.count > rows)
        typeInto(page, "tasks[1]/task_title", "Make breakfast")
        typeInto(page, "tasks[2]/task_title", "Take medication")
        compare(row(page, "tasks[2]/task_frequency").value, "daily")   // the default
        Form.removeRepeat("tasks", 1)
        compare(row(page, "tasks[1]/task_title").value, "Take medication")
        // signature: drawn, then used
        const sig = row(page, "person_signature")
        verify(sig)
        // A 1x1 PNG, as Canvas.toDataURL gives it: kept in the blob store, named by the answer.
        Form.attachSignature("person_signature", "data:image/png;base64,"
                             + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
        verify(row(page, "person_signature").value.startsWith("sha256:"), row(page, "person_signature").value)
        verify(row(page, "person_signature").value.endsWith(" image/png 70"), row(page, "person_signature").value)
        // Not a picture: refused at the question, the signature kept.
        Form.attachSignature("person_signature", "data:image/png;base64,bm90IGEgcGljdHVyZQ==")
        verify(row(page, "person_signature").value.startsWith("sha256:"))
    }

    function test_warden_choice_filter_location_and_photo() {
        const page = openPage("warden_inspection")
        mouseClick(control(page, "category", "Roads and pavements"))
        const offered = row(page, "subcategory").choices.map(c => c.label)
        verify(offered.indexOf("Pothole") >= 0)
        verify(offered.indexOf("Fly-tipping") < 0)
        mouseClick(control(page, "category", "Environment"))
        Form.answer("subcategory", "fly_tipping")
        verify(row(page, "bag_count").visible)
        verify(row(page, "photo_1").required)
        Form.answer("hazardous", "yes")
        verify(row(page, "hazard_note").visible)
        Form.answerWithLocation("location")
        tryVerify(() => row(page, "location").value.length > 0, 15000)
        Form.answer("photo_1", "bags.jpg")   // a file name is not a photo
        compare(row(page, "photo_1").value, "")
        Form.attachPhoto("photo_1", "file://" + TestSupport.photo)
        verify(row(page, "photo_1").value.startsWith("sha256:"), row(page, "photo_1").value)
        verify(row(page, "photo_2").visible)
        compare(row(page, "team").readOnly, true)
        compare(row(page, "priority").value, "medium")
        mouseClick(page.submitButton)
        verify(Form.problems.some(p => p.indexOf("Hazardous waste is always urgent.") >= 0), Form.problems.join(";"))
    }

    function test_a_draft_is_kept_in_the_store_across_a_lock() {
        let page = openPage("statutory_visit_child")
        typeInto(page, "arrival_time", "09:15")
        page.destroy()
        Form.close()
        page = openPage("statutory_visit_child")
        compare(row(page, "arrival_time").value, "09:15")
        page.destroy()
        Session.lock()
        compare(Form.isOpen, false)
        compare(Form.forms.length, 0)
        verify(TestSupport.ensureUnlocked())
        Timeline.open(TestSupport.firstPerson())
        verify(Form.forms.length >= 3)
        page = openPage("statutory_visit_child")
        compare(row(page, "arrival_time").value, "09:15")
        Form.discard()
        page.destroy()
        page = openPage("statutory_visit_child")
        compare(row(page, "arrival_time").value, "")
    }
}
