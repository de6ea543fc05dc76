// Report page: category, place and photos; the report is saved encrypted with its
// photos and waits to be sent.
import QtQuick
import QtTest
import Doorstep
import DoorstepTest

TestCase {
    id: testCase
    name: "ReportPage"
    when: windowShown
    visible: true
    width: 360
    height: 740

    Component { id: pageComponent; ReportPage {} }

    function init() { verify(TestSupport.ensureUnlocked()); Report.reset() }

    function test_a_report_needs_a_place() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        Report.category = Report.categories[0]
        mouseClick(page.sendButton)
        verify(Report.error.indexOf("place") >= 0, Report.error)
    }

    function test_a_report_with_location_and_photos_is_saved() {
        const page = createTemporaryObject(pageComponent, testCase, { width: 360, height: 740 })
        const before = Sync.pending
        page.categoryBox.currentIndex = 1
        page.categoryBox.activated(1)
        compare(Report.category, Report.categories[1])
        page.addressField.forceActiveFocus()
        for (const c of "Corner of Mill Lane") keyClick(c)
        compare(Report.address, "Corner of Mill Lane")
        Report.useLocation()
        tryVerify(() => Report.hasLocation, 15000)
        verify(Report.cameraAvailable)
        Report.takePhoto()
        tryCompare(Report.photos, "length", 1, 15000)
        compare(TestSupport.incomingPhotos(), 1)
        verify(Report.addPhotoFile("file://" + TestSupport.photo))
        compare(Report.photos.length, 2)
        mouseClick(page.sendButton)
        compare(Report.error, "")
        verify(Report.lastReportId.length > 0)
        compare(Report.photos.length, 0)
        compare(TestSupport.incomingPhotos(), 0)   // the camera's plain file is gone
        verify(TestSupport.holdsText(page, "Report saved"))
        verify(Sync.pending > before)
    }

    function test_a_file_that_is_not_a_photo_is_refused() {
        verify(!Report.addPhotoFile("file:///etc/hostname"))
        verify(Report.error.length > 0)
        compare(Report.photos.length, 0)
    }
}
