// The unlocked app: a header (back, title, offline/sync state), the destinations
// (a drawer on a phone, a side column on a tablet) and a stack of pages. Pages emit
// signals; this file turns them into navigation and controller calls.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: shell
    property string themeChoice
    signal themeChosen(string choice)
    readonly property bool wide: width >= 840
    property alias stack: stack

    readonly property var destinations: [
        { key: "today", title: qsTr("Today") },
        { key: "caseload", title: qsTr("Caseload") },
        { key: "report", title: qsTr("Report an issue") },
        { key: "sync", title: qsTr("Sync") },
        { key: "settings", title: qsTr("Settings") }
    ]
    property string current: "today"

    function go(key) {
        current = key
        drawer.close()
        const pages = { today: todayPage, caseload: caseloadPage, report: reportPage, sync: syncPage,
                        settings: settingsPage }
        stack.replace(null, pages[key])
    }
    function openPerson(personId) {
        Timeline.open(personId)
        stack.push(personPage)
    }
    function openVisit(visitId) {
        Visit.open(visitId)
        stack.push(visitPage)
    }
    function openForm(formId, caseId) {
        if (Form.open(formId, caseId)) stack.push(formPage)
    }
    function writeNote(caseId) {
        Notes.start(caseId)
        stack.push(notePage)
    }

    header: ToolBar {
        Material.background: Material.theme === Material.Dark ? "#283593" : Material.primary
        Material.foreground: "white"
        Material.elevation: GraphicsInfo.api === GraphicsInfo.Software ? 0 : 4
        RowLayout {
            anchors.fill: parent
            spacing: 0
            ToolButton {
                visible: stack.depth > 1 || !shell.wide
                text: stack.depth > 1 ? "‹" : "☰"
                font.pixelSize: Math.round(shell.font.pixelSize * 1.6)
                Accessible.name: stack.depth > 1 ? qsTr("Back") : qsTr("Menu")
                onClicked: stack.depth > 1 ? stack.pop() : drawer.open()
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: shell.wide && stack.depth === 1 ? 16 : 0
                text: stack.currentItem && stack.currentItem.title ? stack.currentItem.title : qsTr("Doorstep")
                elide: Text.ElideRight
                font.bold: true
                font.pixelSize: Math.round(shell.font.pixelSize * 1.15)
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            ToolButton {
                id: syncChip
                text: !Sync.online ? qsTr("Offline")
                      : Sync.state === SyncController.Syncing ? qsTr("Syncing…")
                      : Sync.pending > 0 ? qsTr("%1 to send").arg(Sync.pending) : qsTr("Synced")
                font.pixelSize: Math.round(shell.font.pixelSize * 0.85)
                Accessible.name: qsTr("Sync status: %1").arg(text)
                onClicked: shell.go("sync")
            }
        }
    }

    Drawer {
        id: drawer
        width: Math.min(shell.width * 0.8, 320)
        height: shell.height
        interactive: !shell.wide
        ListView {
            anchors.fill: parent
            model: shell.destinations
            header: Label {
                padding: 16
                text: qsTr("Signed in as %1").arg(Session.user)
                wrapMode: Text.Wrap
                width: ListView.view ? ListView.view.width : 0
                opacity: 0.8
            }
            delegate: ListRow {
                required property var modelData
                width: ListView.view.width
                text: modelData.title
                highlighted: shell.current === modelData.key
                Accessible.name: modelData.title
                onClicked: shell.go(modelData.key)
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0
        Pane {
            visible: shell.wide
            Layout.fillHeight: true
            Layout.preferredWidth: 220
            padding: 0
            Material.elevation: GraphicsInfo.api === GraphicsInfo.Software ? 0 : 2
            ListView {
                anchors.fill: parent
                model: shell.destinations
                header: Label {
                    padding: 16
                    text: qsTr("Signed in as %1").arg(Session.user)
                    wrapMode: Text.Wrap
                    width: ListView.view ? ListView.view.width : 0
                    opacity: 0.8
                }
                delegate: ListRow {
                    required property var modelData
                    width: ListView.view.width
                    text: modelData.title
                    highlighted: shell.current === modelData.key
                    Accessible.name: modelData.title
                    onClicked: shell.go(modelData.key)
                }
            }
        }
        StackView {
            id: stack
            Layout.fillWidth: true
            Layout.fillHeight: true
            initialItem: todayPage
        }
    }

    Component {
        id: todayPage
        TodayPage {
            onVisitChosen: (visitId) => shell.openVisit(visitId)
            onPersonChosen: (personId) => shell.openPerson(personId)
        }
    }
    Component {
        id: caseloadPage
        CaseloadPage { onPersonChosen: (personId) => shell.openPerson(personId) }
    }
    Component {
        id: personPage
        PersonPage {
            onWriteNote: (caseId) => shell.writeNote(caseId)
            onVisitChosen: (visitId) => shell.openVisit(visitId)
            onFillForm: (formId, caseId) => shell.openForm(formId, caseId)
            onReportIssue: (caseId) => { Report.reset(); Report.caseId = caseId; stack.push(reportPage) }
        }
    }
    Component {
        id: notePage
        NoteEditorPage { onDone: stack.pop() }
    }
    Component {
        id: visitPage
        VisitPage {
            onDone: stack.pop()
            onWriteNote: (caseId) => shell.writeNote(caseId)
        }
    }
    Component {
        id: reportPage
        ReportPage { onDone: stack.depth > 1 ? stack.pop() : shell.go("today") }
    }
    Component {
        id: formPage
        FormPage { onDone: stack.pop() }
    }
    Component { id: syncPage; SyncPage {} }
    Component {
        id: settingsPage
        SettingsPage {
            themeChoice: shell.themeChoice
            onThemeChosen: (choice) => shell.themeChosen(choice)
        }
    }
}
