// The worker's cases, with search over names, addresses and notes.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Caseload")
    signal personChosen(string personId)
    property alias searchField: search
    property alias list: list

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        TextField {
            id: search
            Layout.fillWidth: true
            Layout.margins: 12
            placeholderText: qsTr("Search names, addresses, notes")
            inputMethodHints: Qt.ImhNoPredictiveText
            text: Caseload.search
            Accessible.name: qsTr("Search the caseload")
            onTextEdited: searchDelay.restart()
            Timer {
                id: searchDelay
                interval: 250
                onTriggered: Caseload.search = search.text
            }
        }
        InlineMessage { Layout.fillWidth: true; text: Caseload.error }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Caseload
            reuseItems: true
            delegate: ListRow {
                id: row
                required property string personId
                required property string personName
                required property string title
                required property string kind
                required property var markers
                required property string nextVisit
                required property bool overdue
                width: ListView.view.width
                Accessible.name: personName + (overdue ? qsTr(", statutory visit overdue") : "")
                onClicked: page.personChosen(personId)
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
                        text: row.title.length > 0 ? row.title : row.kind
                        elide: Text.ElideRight
                        opacity: 0.8
                    }
                    MarkerChips { Layout.fillWidth: true; markers: row.markers }
                    Label {
                        Layout.fillWidth: true
                        visible: row.overdue || row.nextVisit.length > 0
                        text: row.overdue ? qsTr("Statutory visit overdue") : qsTr("Next visit %1").arg(row.nextVisit)
                        color: row.overdue ? (Material.theme === Material.Dark ? "#ff8a80" : "#b00020") : Material.foreground
                        wrapMode: Text.Wrap
                    }
                }
            }
            EmptyState {
                anchors.centerIn: parent
                width: parent.width
                visible: list.count === 0
                text: search.text.length > 0 ? qsTr("No one matches “%1”.").arg(search.text)
                                             : qsTr("No cases on this device yet. They arrive with the next sync.")
            }
        }
    }
}
