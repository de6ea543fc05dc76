// Settings page: change PIN, lock now, switch user, sign out.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "SettingsPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; SettingsPage {} }

    function init() { verify(TestSupport.ensureUnlocked()) }

    function test_change_pin_needs_the_old_one() {
        verify(!Session.changePin("9999", "1357", "1357"))
        verify(Session.error.length > 0)
        verify(Session.changePin(TestSupport.pin, "1357", "1357"))
        Session.lock()
        Session.unlock("sam", "1357")
        tryCompare(Session, "state", WorkerSession.Unlocked, 20000)
        verify(Session.changePin("1357", TestSupport.pin, TestSupport.pin))
    }

    function test_lock_now_clears_every_model() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        verify(Caseload.count > 0)
        mouseClick(page.lockButton)
        compare(Session.state, WorkerSession.Locked)
        compare(Caseload.count, 0)
        compare(Today.count, 0)
        compare(Timeline.count, 0)
        compare(Timeline.personName, "")
        compare(Outbox.count, 0)
        compare(Sync.state, SyncController.Stopped)
    }

    function test_switch_user_locks_and_shows_the_workers() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        mouseClick(page.switchButton)
        compare(Session.state, WorkerSession.Locked)
        compare(Session.user, "")
        verify(Session.users.indexOf("sam") >= 0)
        compare(Caseload.count, 0)
    }

    function test_idle_and_background_lock_times_are_settings() {
        Session.idleLockSeconds = 120
        compare(Session.idleLockSeconds, 120)
        Session.backgroundLockSeconds = 30
        compare(Session.backgroundLockSeconds, 30)
        Session.idleLockSeconds = 300
        Session.backgroundLockSeconds = 60
    }

    function test_sign_out_erases_this_worker() {
        Sync.syncNow()
        verify(TestSupport.waitForSync())
        compare(Session.pendingChanges(), 0)
        Session.signOut()
        compare(Session.users.indexOf("sam"), -1)
        compare(Session.state, WorkerSession.NeedsEnrolment)
    }
}
