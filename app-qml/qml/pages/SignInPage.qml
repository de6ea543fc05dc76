// Sign in and enrol this device with the council's hub, choosing a PIN for the
// encrypted store. The password goes to the hub once and is not kept.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Sign in")
    property alias serverField: server
    property alias userField: user
    property alias passwordField: password
    property alias pinField: pin
    property alias pinAgainField: pinAgain
    property alias enrolButton: enrol

    FormPane {
        anchors.fill: parent
        Label {
            text: qsTr("Doorstep")
            font.pixelSize: Math.round(page.font.pixelSize * 1.8)
            font.bold: true
            Layout.topMargin: 24
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Sign in once with your council account. After that you open Doorstep with a PIN, with or without a signal.")
            wrapMode: Text.Wrap
        }
        Label { text: qsTr("Hub address"); Layout.fillWidth: true; wrapMode: Text.Wrap }
        TextField {
            id: server
            Layout.fillWidth: true
            placeholderText: "https://doorstep.council.gov.uk"
            inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
            Accessible.name: qsTr("Hub address")
        }
        Label { text: qsTr("User name"); Layout.fillWidth: true; wrapMode: Text.Wrap }
        TextField {
            id: user
            Layout.fillWidth: true
            inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
            Accessible.name: qsTr("User name")
        }
        Label { text: qsTr("Password"); Layout.fillWidth: true; wrapMode: Text.Wrap }
        TextField {
            id: password
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("Password")
        }
        Label { text: qsTr("Choose a PIN (at least 4 digits)"); Layout.fillWidth: true; wrapMode: Text.Wrap }
        TextField {
            id: pin
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("New PIN")
        }
        Label { text: qsTr("The same PIN again"); Layout.fillWidth: true; wrapMode: Text.Wrap }
        TextField {
            id: pinAgain
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("New PIN again")
            onAccepted: enrol.clicked()
        }
        InlineMessage { Layout.fillWidth: true; text: Session.error }
        RowLayout {
            Layout.fillWidth: true
            ActionButton {
                id: enrol
                text: qsTr("Sign in")
                highlighted: true
                enabled: !Session.busy
                Accessible.name: qsTr("Sign in and enrol this device")
                onClicked: Session.enrol(server.text, user.text, password.text, pin.text, pinAgain.text)
            }
            ActionButton {
                visible: Session.users.length > 0
                text: qsTr("Cancel")
                flat: true
                Accessible.name: qsTr("Cancel adding a worker")
                onClicked: Session.cancelAddWorker()
            }
            BusyIndicator {
                running: Session.busy
                visible: running
                Accessible.name: qsTr("Signing in")
            }
        }
    }
}
