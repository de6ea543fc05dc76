// Today page: a visit under way shows first, with the lone-worker timer.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "TodayPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; TodayPage {} }
    SignalSpy { id: chosen; signalName: "visitChosen" }

    function init() { verify(TestSupport.ensureUnlocked()) }

    function test_a_visit_under_way_shows_its_timer() {
        const visit = TestSupport.plannedVisit()
        Visit.open(visit)
        verify(Visit.checkIn(45))
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        tryVerify(() => page.list.count > 0)
        compare(Today.underWay >= 1, true)
        verify(TestSupport.holdsText(page.list, "Expected to leave in 4"))
        chosen.target = page
        chosen.clear()
        waitForRendering(page.list)
        mouseClick(page.list.itemAtIndex(0))
        compare(chosen.count, 1)
        verify(chosen.signalArguments[0][0].length > 0)
        Visit.checkOut("Seen")
    }

    function test_offline_is_said_once_without_blocking() {
        TestSupport.setOnline(false)
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        verify(TestSupport.holdsText(page, "Offline. Everything you do is saved on this device"))
        TestSupport.setOnline(true)
        verify(!TestSupport.holdsText(page, "Offline. Everything you do"))
    }
}
