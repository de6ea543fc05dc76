// One person: warning markers first, their details, then one timeline of notes,
// visits, tasks and reports, newest first (more load as the list scrolls).
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: Timeline.personName
    signal writeNote(string caseId)
    signal visitChosen(string visitId)
    signal reportIssue(string caseId)
    signal fillForm(string formId, string caseId)
    property alias list: list

    function kindText(kind, status) {
        switch (kind) {
        case "note": return status === "draft" ? qsTr("Note (draft)") : qsTr("Note")
        case "visit": return qsTr("Visit, %1").arg(status.replace("_", " "))
        case "task": return qsTr("Task")
        case "task_completion": return qsTr("Task done")
        case "field_report": return qsTr("Report, %1").arg(status)
        case "form": return qsTr("Form")
        }
        return kind
    }

    ListView {
        id: list
        anchors.fill: parent
        clip: true
        model: Timeline
        header: ColumnLayout {
            width: list.width
            spacing: 6
            // Wrapping settles the header's height after the first layout; keep its top
            // in view unless the worker has scrolled. Not while the header is being made:
            // repositioning then makes the list create the header again, inside its own
            // creation (QQmlComponent warns, and the list's count of items in creation
            // goes wrong).
            property bool made: false
            Component.onCompleted: made = true
            onImplicitHeightChanged: if (made && !list.moving && !list.dragging) list.positionViewAtBeginning()
            MarkerChips {
                Layout.fillWidth: true
                Layout.margins: 16
                Layout.bottomMargin: 0
                markers: Timeline.markers
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                text: Timeline.personName
                font.pixelSize: Math.round(page.font.pixelSize * 1.4)
                font.bold: true
                wrapMode: Text.Wrap
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                visible: text.length > 0
                text: [Timeline.dateOfBirth.length > 0 ? qsTr("Born %1").arg(Timeline.dateOfBirth) : "",
                       Timeline.address, Timeline.phone].filter(s => s.length > 0).join("\n")
                wrapMode: Text.Wrap
                opacity: 0.85
            }
            InlineMessage { Layout.fillWidth: true; text: Timeline.error }
            Flow {
                Layout.fillWidth: true
                Layout.leftMargin: 12
                Layout.rightMargin: 12
                spacing: 8
                ActionButton {
                    objectName: "writeNoteButton"
                    text: qsTr("Write a note")
                    highlighted: true
                    enabled: Timeline.caseId.length > 0
                    Accessible.name: qsTr("Write a case note")
                    onClicked: page.writeNote(Timeline.caseId)
                }
                ActionButton {
                    objectName: "fillFormButton"
                    text: qsTr("Fill in a form")
                    enabled: Timeline.caseId.length > 0 && Form.forms.length > 0
                    Accessible.name: qsTr("Fill in a form about this case")
                    onClicked: formMenu.open()
                    Menu {
                        id: formMenu
                        objectName: "formMenu"
                        Repeater {
                            model: Form.forms
                            delegate: MenuItem {
                                required property var modelData
                                text: modelData.title
                                Accessible.name: qsTr("Fill in %1").arg(modelData.title)
                                onTriggered: page.fillForm(modelData.formId, Timeline.caseId)
                            }
                        }
                    }
                }
                ActionButton {
                    text: qsTr("Report an issue")
                    Accessible.name: qsTr("Report an issue at this address")
                    onClicked: page.reportIssue(Timeline.caseId)
                }
            }
            SectionTitle { Layout.leftMargin: 16; text: qsTr("History") }
        }
        delegate: ListRow {
            id: row
            required property string kind
            required property string entryId
            required property string at
            required property string status
            required property string summary
            width: ListView.view.width
            Accessible.name: page.kindText(kind, status) + ", " + at + ": " + summary
            onClicked: if (kind === "visit") page.visitChosen(entryId)
            contentItem: ColumnLayout {
                spacing: 2
                Label {
                    Layout.fillWidth: true
                    text: page.kindText(row.kind, row.status) + " · " + row.at
                    font.bold: true
                    wrapMode: Text.Wrap
                    opacity: 0.9
                }
                Label {
                    Layout.fillWidth: true
                    text: row.summary
                    wrapMode: Text.Wrap
                    maximumLineCount: 4
                    elide: Text.ElideRight
                }
            }
        }
        footer: EmptyState {
            width: list.width
            visible: list.count === 0
            text: qsTr("Nothing recorded yet.")
        }
    }
}
