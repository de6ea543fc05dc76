// Sync page: what is waiting, "Sync now" against the real hub, conflicts settled
// side by side, and the offline state.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "SyncPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; SyncPage {} }

    function init() { verify(TestSupport.ensureUnlocked()); TestSupport.setOnline(true) }

    function test_sync_now_sends_what_is_waiting() {
        Timeline.open(TestSupport.firstPerson())
        Notes.start(Timeline.caseId)
        Notes.body = "Phoned school; attendance improving"
        verify(Notes.finalise())
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        verify(Sync.pending > 0)
        verify(Outbox.count > 0)
        verify(TestSupport.holdsText(page, "New case note"))
        mouseClick(page.syncButton)
        verify(TestSupport.waitForSync())
        compare(Sync.state, SyncController.Idle)
        compare(Sync.pending, 0)
        compare(Outbox.count, 0)
        verify(Sync.lastSync.length > 0)
        verify(TestSupport.holdsText(page, "Nothing waiting"))
    }

    function test_offline_says_so_and_does_not_try() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        TestSupport.setOnline(false)
        Sync.syncNow()
        compare(Sync.state, SyncController.Offline)
        verify(TestSupport.holdsText(page, "Offline. Your work is saved on this device."))
        verify(!page.syncButton.enabled)
        TestSupport.setOnline(true)
        verify(TestSupport.waitForSync())
    }

    function test_a_conflict_is_shown_side_by_side_and_settled() {
        const visit = TestSupport.makeConflict("joint visit with the school nurse", "review with the health visitor")
        verify(visit.length > 0)
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        tryVerify(() => Conflicts.count > 0, 15000)
        verify(TestSupport.holdsText(page, "joint visit with the school nurse"))
        verify(TestSupport.holdsText(page, "review with the health visitor"))
        const count = Conflicts.count
        verify(Conflicts.resolve(Conflicts.data(Conflicts.index(0, 0), Qt.UserRole + 1), "other"))
        compare(Conflicts.count, count - 1)
    }
}
