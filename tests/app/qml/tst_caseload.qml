// Caseload page: the worker's cases with warning markers; search narrows the list.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "CaseloadPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; CaseloadPage {} }
    SignalSpy { id: chosen; signalName: "personChosen" }

    function init() { verify(TestSupport.ensureUnlocked()); Caseload.search = "" }

    function test_lists_every_case() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        tryVerify(() => page.list.count > 0)
        compare(page.list.count, Caseload.count)
        verify(TestSupport.holdsText(page, TestSupport.firstPersonName()))
    }

    function test_search_narrows_to_the_person() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        const all = page.list.count
        const name = TestSupport.firstPersonName()
        const surname = name.split(" ")[1]
        page.searchField.forceActiveFocus()
        for (let i = 0; i < surname.length; ++i) keyClick(surname[i])
        tryVerify(() => page.list.count < all && page.list.count >= 1, 15000)
        verify(TestSupport.holdsText(page.list, name))
    }

    function test_a_search_with_no_match_says_so() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        page.searchField.forceActiveFocus()
        for (const c of "zzqx") keyClick(c)
        tryCompare(page.list, "count", 0, 15000)
        verify(TestSupport.holdsText(page, "No one matches"))
    }

    function test_choosing_a_person_emits_their_id() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        chosen.target = page
        chosen.clear()
        tryVerify(() => page.list.count > 0)
        waitForRendering(page.list)
        mouseClick(page.list.itemAtIndex(0))
        compare(chosen.count, 1)
        compare(chosen.signalArguments[0][0], TestSupport.firstPerson())
    }

    // Material ripples found under an item (each keeps a raster image as wide as its row
    // under the software renderer, so idle rows must hold none).
    function ripplesUnder(item) {
        let n = String(item).indexOf("Ripple") >= 0 ? 1 : 0
        for (let i = 0; i < item.children.length; ++i) n += ripplesUnder(item.children[i])
        return n
    }

    function test_a_row_shows_its_ripple_when_pressed_and_idle_rows_hold_none() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        tryVerify(() => page.list.count > 0)
        mouseMove(page.searchField)
        waitForRendering(page.list)
        compare(ripplesUnder(page.list), 0)
        const row = page.list.itemAtIndex(0)
        mousePress(row)
        compare(ripplesUnder(row), 1)
        mouseRelease(row)
        mouseMove(page.searchField)
        compare(ripplesUnder(row), 1)   // the fade-out still plays
        tryVerify(() => ripplesUnder(page.list) === 0, 5000)
    }
}
