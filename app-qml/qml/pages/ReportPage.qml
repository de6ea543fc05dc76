// Report an issue in the street: what (category), where (your location or an
// address), how urgent, and photos from the camera or, on a desktop, from a file.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Dialogs
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Report an issue")
    signal done()
    property alias categoryBox: category
    property alias descriptionArea: description
    property alias addressField: address
    property alias sendButton: send
    property string sentText: ""

    FormPane {
        anchors.fill: parent
        InlineMessage { Layout.fillWidth: true; error: false; text: page.sentText }
        Label { text: qsTr("What is it?") }
        ComboBox {
            id: category
            Layout.fillWidth: true
            model: Report.categories
            currentIndex: Report.categories.indexOf(Report.category)
            displayText: currentIndex < 0 ? qsTr("Choose a category") : currentText
            Accessible.name: qsTr("Category")
            onActivated: Report.category = currentText
        }
        TextArea {
            id: description
            Layout.fillWidth: true
            Layout.minimumHeight: 100
            placeholderText: qsTr("Description (optional)")
            wrapMode: TextEdit.Wrap
            inputMethodHints: Qt.ImhNoPredictiveText
            text: Report.description
            Accessible.name: qsTr("Description")
            onTextChanged: if (text !== Report.description) Report.description = text
        }
        Label { text: qsTr("Where?") }
        Flow {
            Layout.fillWidth: true
            spacing: 8
            ActionButton {
                text: Report.hasLocation ? qsTr("Update my location") : qsTr("Use my location")
                enabled: !Report.locating
                Accessible.name: qsTr("Use my current location")
                onClicked: Report.useLocation()
            }
            BusyIndicator { running: Report.locating; visible: running; Accessible.name: qsTr("Finding your location") }
        }
        Label {
            Layout.fillWidth: true
            visible: text.length > 0
            text: Report.locationText
            wrapMode: Text.Wrap
            opacity: 0.85
        }
        TextField {
            id: address
            Layout.fillWidth: true
            placeholderText: qsTr("Address or landmark")
            inputMethodHints: Qt.ImhNoPredictiveText
            text: Report.address
            Accessible.name: qsTr("Address or landmark")
            onTextEdited: Report.address = text
        }
        Label { text: qsTr("How urgent?") }
        ComboBox {
            Layout.fillWidth: true
            model: Report.priorities
            currentIndex: Report.priorities.indexOf(Report.priority)
            Accessible.name: qsTr("Priority")
            onActivated: Report.priority = currentText
        }
        Label { text: qsTr("Photos (%1)").arg(Report.photos.length) }
        Flow {
            Layout.fillWidth: true
            spacing: 8
            Repeater {
                model: Report.photos
                delegate: Item {
                    required property string modelData
                    required property int index
                    width: 96
                    height: 96
                    Image {
                        anchors.fill: parent
                        source: modelData
                        fillMode: Image.PreserveAspectCrop
                        sourceSize.width: 192
                        asynchronous: true
                        Accessible.role: Accessible.Graphic
                        Accessible.name: qsTr("Photo %1").arg(index + 1)
                    }
                    RoundButton {
                        anchors.top: parent.top
                        anchors.right: parent.right
                        text: "×"
                        padding: 0
                        Material.elevation: 0
                        Material.background: "#e6ffffff"
                        Material.foreground: "#212121"
                        width: 36
                        height: 36
                        Accessible.name: qsTr("Remove photo %1").arg(index + 1)
                        onClicked: Report.removePhoto(index)
                    }
                }
            }
        }
        Flow {
            Layout.fillWidth: true
            spacing: 8
            ActionButton {
                visible: Report.cameraAvailable
                text: qsTr("Take a photo")
                Accessible.name: text
                onClicked: Report.takePhoto()
            }
            ActionButton {
                text: qsTr("Choose a file")
                flat: Report.cameraAvailable
                Accessible.name: qsTr("Choose a photo file")
                onClicked: fileDialog.open()
            }
        }
        InlineMessage { Layout.fillWidth: true; text: Report.error }
        ActionButton {
            id: send
            text: qsTr("Save report")
            highlighted: true
            enabled: Report.category.length > 0
            Accessible.name: qsTr("Save the report; it is sent on the next sync")
            onClicked: if (Report.submit()) page.sentText = qsTr("Report saved. It is sent on the next sync.")
        }
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Choose a photo")
        nameFilters: [qsTr("Photos (*.jpg *.jpeg *.png *.heic *.webp)")]
        onAccepted: Report.addPhotoFile(selectedFile)
    }
}
