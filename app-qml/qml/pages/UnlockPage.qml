// Open Doorstep with a PIN. On a shared tablet, choose whose store to open first.
// What the council did to this device (another worker's store erased) shows on top.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Unlock")
    property alias pinField: pin
    property alias unlockButton: unlockButton
    property alias userBox: users
    property alias noticeMessage: notice
    readonly property string chosenUser: Session.users.length > 0 ? Session.users[Math.max(0, users.currentIndex)] : ""

    FormPane {
        anchors.fill: parent
        maxWidth: 480
        Label {
            text: qsTr("Doorstep is locked")
            font.pixelSize: Math.round(page.font.pixelSize * 1.5)
            font.bold: true
            Layout.topMargin: 32
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        InlineMessage { id: notice; Layout.fillWidth: true; error: false; text: Session.notice }
        Label {
            text: qsTr("Worker")
            visible: Session.users.length > 1
        }
        ComboBox {
            id: users
            Layout.fillWidth: true
            visible: Session.users.length > 1
            model: Session.users
            Accessible.name: qsTr("Whose Doorstep to open")
        }
        Label {
            Layout.fillWidth: true
            visible: Session.users.length === 1
            text: qsTr("Signed in as %1").arg(page.chosenUser)
            wrapMode: Text.Wrap
        }
        TextField {
            id: pin
            Layout.fillWidth: true
            placeholderText: qsTr("PIN")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            focus: true
            Accessible.name: qsTr("PIN")
            onAccepted: unlockButton.clicked()
        }
        InlineMessage { Layout.fillWidth: true; text: Session.error }
        RowLayout {
            ActionButton {
                id: unlockButton
                text: qsTr("Unlock")
                highlighted: true
                enabled: !Session.busy && pin.text.length > 0
                Accessible.name: qsTr("Unlock")
                onClicked: {
                    Session.unlock(page.chosenUser, pin.text)
                    pin.clear()
                }
            }
            BusyIndicator {
                running: Session.busy
                visible: running
                Accessible.name: qsTr("Unlocking")
            }
        }
        ActionButton {
            text: qsTr("Add another worker to this device")
            flat: true
            Layout.fillWidth: true
            Accessible.name: text
            onClicked: Session.addWorker()
        }
    }
}
