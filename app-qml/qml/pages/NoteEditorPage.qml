// Writing a case note. The draft saves itself as you type (encrypted, on this
// device only); "Save note" makes it final and sends it on the next sync.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Case note")
    signal done()
    property alias bodyArea: body
    property alias saveButton: save

    StackView.onRemoved: Notes.close()

    FormPane {
        anchors.fill: parent
        ComboBox {
            id: category
            Layout.fillWidth: true
            model: Notes.categories
            currentIndex: Math.max(0, Notes.categories.indexOf(Notes.category))
            Accessible.name: qsTr("Kind of note")
            onActivated: Notes.category = currentText
            Component.onCompleted: if (Notes.category.length === 0) Notes.category = currentText
        }
        TextArea {
            id: body
            Layout.fillWidth: true
            Layout.minimumHeight: Math.max(200, page.height * 0.4)
            placeholderText: qsTr("What happened, who was seen, what was agreed")
            wrapMode: TextEdit.Wrap
            inputMethodHints: Qt.ImhNoPredictiveText
            text: Notes.body
            Accessible.name: qsTr("Note text")
            onTextChanged: if (text !== Notes.body) Notes.body = text
        }
        Switch {
            text: qsTr("Restricted (sensitive; fewer people may read it)")
            checked: Notes.restricted
            Layout.fillWidth: true
            Accessible.name: qsTr("Restricted note")
            onToggled: Notes.restricted = checked
        }
        Label {
            Layout.fillWidth: true
            text: Notes.savedText
            opacity: 0.7
            wrapMode: Text.Wrap
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        InlineMessage { Layout.fillWidth: true; text: Notes.error }
        Flow {
            Layout.fillWidth: true
            spacing: 8
            ActionButton {
                id: save
                text: qsTr("Save note")
                highlighted: true
                enabled: body.text.trim().length > 0
                Accessible.name: qsTr("Save the note; it cannot be changed afterwards")
                onClicked: if (Notes.finalise()) page.done()
            }
            ActionButton {
                text: qsTr("Keep as draft")
                flat: true
                Accessible.name: text
                onClicked: { Notes.saveDraft(); page.done() }
            }
            ActionButton {
                text: qsTr("Discard")
                flat: true
                Accessible.name: qsTr("Discard the draft")
                onClicked: discardDialog.open()
            }
        }
    }

    Dialog {
        id: discardDialog
        anchors.centerIn: parent
        width: Math.min(page.width - 32, 400)
        title: qsTr("Discard this draft?")
        modal: true
        standardButtons: Dialog.Discard | Dialog.Cancel
        Label { width: parent.width; wrapMode: Text.Wrap; text: qsTr("The text will be deleted from this device.") }
        onDiscarded: { Notes.discard(); close(); page.done() }
    }
}
