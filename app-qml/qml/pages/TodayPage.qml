// The worker's day: visits under way (with the lone-worker timer), visits due
// today, and cases whose statutory visit is overdue.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Today")
    signal visitChosen(string visitId)
    signal personChosen(string personId)
    property alias list: list

    function sectionTitle(s) {
        return s === "under_way" ? qsTr("Visit under way")
             : s === "due" ? qsTr("Visits due today")
             : s === "done" ? qsTr("Done today")
             : qsTr("Statutory visits overdue")
    }
    function timerText(minutes) {
        if (minutes >= 0) return qsTr("Expected to leave in %1 min").arg(minutes)
        return qsTr("%1 min past your expected end: check out or tell the office").arg(-minutes)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        InlineMessage {
            Layout.fillWidth: true
            error: false
            text: Sync.online ? "" : qsTr("Offline. Everything you do is saved on this device and sent later.")
        }
        InlineMessage { Layout.fillWidth: true; text: Today.error }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Today
            section.property: "section"
            section.delegate: SectionTitle {
                required property string section
                text: page.sectionTitle(section)
                leftPadding: 16
                width: ListView.view.width
            }
            delegate: ListRow {
                id: row
                required property string section
                required property string visitId
                required property string personId
                required property string personName
                required property string purpose
                required property string time
                required property int minutesLeft
                required property string status
                width: ListView.view.width
                Accessible.name: personName + ", " + purpose + ", " + time
                onClicked: visitId.length > 0 ? page.visitChosen(visitId) : page.personChosen(personId)
                contentItem: ColumnLayout {
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        text: row.personName
                        font.bold: true
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.fillWidth: true
                        readonly property string when: row.section === "done"
                            ? qsTr("%1 %2").arg(row.status === "no_access" ? qsTr("No access,") : row.status === "cancelled" ? qsTr("Cancelled,") : qsTr("Completed")).arg(row.time)
                            : row.time
                        text: row.purpose.length > 0 ? when + " · " + row.purpose : when
                        wrapMode: Text.Wrap
                        opacity: 0.8
                    }
                    Label {
                        Layout.fillWidth: true
                        visible: row.section === "under_way"
                        text: page.timerText(row.minutesLeft)
                        wrapMode: Text.Wrap
                        font.bold: row.minutesLeft < 0
                        color: row.minutesLeft < 0 ? (Material.theme === Material.Dark ? "#ff8a80" : "#b00020")
                                                   : Material.foreground
                    }
                }
            }
            EmptyState {
                anchors.centerIn: parent
                width: parent.width
                visible: list.count === 0
                text: qsTr("Nothing due today. Your caseload is under Caseload.")
            }
        }
    }
}
