// One visit: check in (with your location and when you expect to leave, which
// starts the lone-worker timer), check out with what happened, or record no access.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Visit")
    signal done()
    signal writeNote(string caseId)
    property alias checkInButton: checkIn
    property alias checkOutButton: checkOut
    property alias outcomeArea: outcome
    property alias lengthBox: length

    readonly property var lengths: [30, 45, 60, 90, 120]

    FormPane {
        anchors.fill: parent
        Label {
            Layout.fillWidth: true
            text: Visit.personName
            font.pixelSize: Math.round(page.font.pixelSize * 1.4)
            font.bold: true
            wrapMode: Text.Wrap
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            text: [Visit.purpose, qsTr("Planned %1").arg(Visit.plannedStart), qsTr("Status: %1").arg(Visit.status.replace("_", " "))]
                  .filter(s => s.length > 0).join("\n")
            wrapMode: Text.Wrap
        }
        InlineMessage { Layout.fillWidth: true; text: Visit.error }

        // --- Check in ---
        SectionTitle { visible: Visit.canCheckIn; text: qsTr("Check in") }
        Label {
            Layout.fillWidth: true
            visible: Visit.canCheckIn
            text: Visit.locationText
            wrapMode: Text.Wrap
            opacity: 0.85
        }
        Label { visible: Visit.canCheckIn; text: qsTr("I expect to leave in") }
        ComboBox {
            id: length
            visible: Visit.canCheckIn
            Layout.fillWidth: true
            model: page.lengths.map(m => m < 60 ? qsTr("%1 minutes").arg(m) : m === 60 ? qsTr("1 hour") : qsTr("%1 hours").arg(m / 60))
            currentIndex: 2
            Accessible.name: qsTr("When you expect to leave")
        }
        Flow {
            visible: Visit.canCheckIn
            Layout.fillWidth: true
            spacing: 8
            ActionButton {
                id: checkIn
                text: qsTr("Check in")
                highlighted: true
                Accessible.name: qsTr("Check in and start the lone-worker timer")
                onClicked: Visit.checkIn(page.lengths[length.currentIndex])
            }
            ActionButton {
                text: qsTr("Find location again")
                flat: true
                enabled: !Visit.locating
                Accessible.name: text
                onClicked: Visit.refreshLocation()
            }
        }

        // --- Under way ---
        SectionTitle { visible: Visit.canCheckOut; text: qsTr("Under way since %1").arg(Visit.checkedInAt) }
        Label {
            Layout.fillWidth: true
            visible: Visit.canCheckOut
            text: Visit.minutesLeft >= 0 ? qsTr("Expected to leave by %1 (%2 min left)").arg(Visit.expectedEnd).arg(Visit.minutesLeft)
                                         : qsTr("You are %1 min past your expected end. Check out, or call the office.").arg(-Visit.minutesLeft)
            wrapMode: Text.Wrap
            font.bold: Visit.minutesLeft < 0
            color: Visit.minutesLeft < 0 ? (Material.theme === Material.Dark ? "#ff8a80" : "#b00020") : Material.foreground
        }
        TextArea {
            id: outcome
            visible: Visit.canCheckOut
            Layout.fillWidth: true
            Layout.minimumHeight: 120
            placeholderText: qsTr("Outcome: who was seen, what happened")
            wrapMode: TextEdit.Wrap
            inputMethodHints: Qt.ImhNoPredictiveText
            Accessible.name: qsTr("Outcome of the visit")
        }
        ActionButton {
            id: checkOut
            visible: Visit.canCheckOut
            text: qsTr("Check out")
            highlighted: true
            enabled: outcome.text.trim().length > 0
            Accessible.name: qsTr("Check out and stop the lone-worker timer")
            onClicked: if (Visit.checkOut(outcome.text)) outcome.clear()
        }

        // --- No access ---
        SectionTitle { visible: Visit.canRecordNoAccess; text: qsTr("No access") }
        TextField {
            id: reason
            visible: Visit.canRecordNoAccess
            Layout.fillWidth: true
            placeholderText: qsTr("Why, e.g. no answer; card left")
            inputMethodHints: Qt.ImhNoPredictiveText
            Accessible.name: qsTr("Reason there was no access")
        }
        ActionButton {
            visible: Visit.canRecordNoAccess
            text: qsTr("Record no access")
            enabled: reason.text.trim().length > 0
            Accessible.name: text
            onClicked: if (Visit.recordNoAccess(reason.text)) reason.clear()
        }

        // --- Done ---
        Label {
            Layout.fillWidth: true
            visible: Visit.outcome.length > 0
            text: qsTr("Outcome: %1").arg(Visit.outcome)
            wrapMode: Text.Wrap
        }
        ActionButton {
            text: qsTr("Write a note")
            enabled: Visit.caseId.length > 0
            Accessible.name: qsTr("Write a case note about this visit")
            onClicked: page.writeNote(Visit.caseId)
        }
    }
}
