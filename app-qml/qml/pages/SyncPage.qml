// Sync: the state, what is waiting to be sent, the last sync, progress, conflicts
// to settle side by side, and changes the hub refused with its reasons.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Sync")
    property alias syncButton: syncNow

    Component.onCompleted: { Sync.refreshCounts(); Outbox.reload(); Conflicts.reload(); Quarantine.reload() }

    FormPane {
        anchors.fill: parent
        Label {
            Layout.fillWidth: true
            text: Sync.statusText
            font.bold: true
            wrapMode: Text.Wrap
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            visible: Sync.state !== SyncController.Idle
            text: Sync.lastSync.length > 0 ? qsTr("Last synced %1").arg(Sync.lastSync) : qsTr("Never synced on this device")
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            visible: Sync.lastResult.length > 0 && Sync.state !== SyncController.Failed
            text: Sync.lastResult
            wrapMode: Text.Wrap
            opacity: 0.8
        }
        ProgressBar {
            Layout.fillWidth: true
            visible: Sync.state === SyncController.Syncing
            indeterminate: true
            Accessible.name: qsTr("Sync progress")
        }
        Label {
            Layout.fillWidth: true
            visible: Sync.state === SyncController.Syncing && Sync.phase.length > 0
            text: qsTr("%1: %2 records").arg(Sync.phase).arg(Sync.records)
        }
        ActionButton {
            id: syncNow
            text: qsTr("Sync now")
            highlighted: true
            enabled: Sync.online && Sync.state !== SyncController.Syncing
            Accessible.name: text
            onClicked: Sync.syncNow()
        }

        SectionTitle { text: qsTr("Waiting to send (%1)").arg(Sync.pending) }
        Label {
            Layout.fillWidth: true
            visible: Sync.drafts > 0
            text: qsTr("%n draft note(s) stay on this device until you save them.", "", Sync.drafts)
            wrapMode: Text.Wrap
            opacity: 0.8
        }
        Repeater {
            model: Outbox
            delegate: Label {
                required property string what
                Layout.fillWidth: true
                text: "• " + what
                elide: Text.ElideRight
            }
        }
        Label { visible: Outbox.count === 0; text: qsTr("Nothing waiting."); opacity: 0.7 }

        SectionTitle { text: qsTr("Conflicts to settle (%1)").arg(Conflicts.count) }
        Label { visible: Conflicts.count === 0; text: qsTr("None."); opacity: 0.7 }
        Repeater {
            model: Conflicts
            delegate: Pane {
                id: conflict
                required property string conflictId
                required property string about
                required property string what
                required property string keptValue
                required property string keptAuthor
                required property string otherValue
                required property string otherAuthor
                Layout.fillWidth: true
                Material.elevation: GraphicsInfo.api === GraphicsInfo.Software ? 0 : 1
                Material.background: Material.theme === Material.Dark ? "#2c2c2c" : "#f3f3f3"
                padding: 12
                Accessible.name: qsTr("Conflict about %1").arg(what)
                ColumnLayout {
                    width: parent.width
                    Label {
                        Layout.fillWidth: true
                        text: conflict.about.length > 0 ? conflict.about + " · " + conflict.what : conflict.what
                        font.bold: true
                        wrapMode: Text.Wrap
                    }
                    GridLayout {
                        Layout.fillWidth: true
                        columns: page.width >= 600 ? 2 : 1
                        columnSpacing: 12
                        ColumnLayout {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                            Label { text: qsTr("Now (%1)").arg(conflict.keptAuthor); opacity: 0.8 }
                            Label { Layout.fillWidth: true; text: conflict.keptValue; wrapMode: Text.Wrap }
                            ActionButton {
                                text: qsTr("Keep this")
                                Accessible.name: qsTr("Keep “%1”").arg(conflict.keptValue)
                                onClicked: Conflicts.resolve(conflict.conflictId, "kept")
                            }
                        }
                        ColumnLayout {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                            Label { text: qsTr("Other (%1)").arg(conflict.otherAuthor); opacity: 0.8 }
                            Label { Layout.fillWidth: true; text: conflict.otherValue; wrapMode: Text.Wrap }
                            ActionButton {
                                text: qsTr("Use this")
                                Accessible.name: qsTr("Use “%1”").arg(conflict.otherValue)
                                onClicked: Conflicts.resolve(conflict.conflictId, "other")
                            }
                        }
                    }
                }
            }
        }

        SectionTitle { text: qsTr("Refused by the hub (%1)").arg(Quarantine.count) }
        Label {
            Layout.fillWidth: true
            visible: Quarantine.count > 0
            text: qsTr("These changes were kept on this device but the hub would not take them. Talk to the office.")
            wrapMode: Text.Wrap
            opacity: 0.8
        }
        Label { visible: Quarantine.count === 0; text: qsTr("None."); opacity: 0.7 }
        Repeater {
            model: Quarantine
            delegate: Label {
                required property string what
                required property string reason
                required property string when
                Layout.fillWidth: true
                text: qsTr("%1, %2: %3").arg(what).arg(when).arg(reason)
                wrapMode: Text.Wrap
            }
        }
        Item { implicitHeight: 16 }
    }
}
