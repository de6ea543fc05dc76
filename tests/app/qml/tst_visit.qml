// Visit page: check in with location and expected end (the lone-worker timer),
// then check out with an outcome; the day and the timeline follow.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "VisitPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; VisitPage {} }

    function init() { verify(TestSupport.ensureUnlocked()) }

    function test_check_in_then_check_out() {
        const visit = TestSupport.plannedVisit()
        verify(visit.length > 0)
        Visit.open(visit)
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        compare(Visit.status, "planned")
        verify(page.checkInButton.visible)
        tryVerify(() => Visit.locationText.indexOf("Location found") === 0, 15000)
        page.lengthBox.currentIndex = 0   // 30 minutes
        mouseClick(page.checkInButton)
        compare(Visit.error, "")
        compare(Visit.status, "under_way")
        verify(Visit.minutesLeft >= 29 && Visit.minutesLeft <= 30, Visit.minutesLeft)
        verify(!page.checkInButton.visible)
        tryVerify(() => page.checkOutButton.visible)

        // The day shows it under way with its timer.
        verify(Today.underWay > 0)

        page.outcomeArea.forceActiveFocus()
        for (const c of "Child seen alone") keyClick(c)
        mouseClick(page.checkOutButton)
        compare(Visit.status, "completed")
        compare(Visit.outcome, "Child seen alone")
        verify(!page.checkOutButton.visible)
    }

    function test_a_finished_visit_offers_no_check_in() {
        const visit = TestSupport.plannedVisit()
        Visit.open(visit)
        Visit.recordNoAccess("No answer; card left")
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        compare(Visit.status, "no_access")
        verify(!page.checkInButton.visible)
        verify(!page.checkOutButton.visible)
    }
}
