// Sign in and enrol this device with the council's hub, choosing a PIN for the
// encrypted store. The password goes to the hub once and is not kept. When the
// council has reset the password, the page asks for a new one (twice) and signs in
// with both; when the council erased this device, it says so at the top.
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
    property alias newPasswordField: newPassword
    property alias newPasswordAgainField: newPasswordAgain
    property alias enrolButton: enrol
    property alias noticeMessage: notice
    property alias passwordChangeMessage: passwordChange

    function submit() {
        if (Session.passwordChangeRequired)
            Session.enrolWithNewPassword(server.text, user.text, password.text, newPassword.text,
                                         newPasswordAgain.text, pin.text, pinAgain.text)
        else
            Session.enrol(server.text, user.text, password.text, pin.text, pinAgain.text)
    }

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
        InlineMessage { id: notice; Layout.fillWidth: true; error: false; text: Session.notice }
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
        Label {
            text: Session.passwordChangeRequired ? qsTr("Password your council gave you") : qsTr("Password")
            Layout.fillWidth: true
            wrapMode: Text.Wrap
        }
        TextField {
            id: password
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: Session.passwordChangeRequired ? qsTr("Password your council gave you") : qsTr("Password")
        }
        InlineMessage {
            id: passwordChange
            Layout.fillWidth: true
            error: false
            text: Session.passwordChangeRequired
                  ? qsTr("Your council reset your password, so choose a new one now: at least 10 characters, not a common password and not your user name.")
                  : ""
        }
        Label {
            visible: Session.passwordChangeRequired
            text: qsTr("New password")
            Layout.fillWidth: true
            wrapMode: Text.Wrap
        }
        TextField {
            id: newPassword
            visible: Session.passwordChangeRequired
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("New password")
        }
        Label {
            visible: Session.passwordChangeRequired
            text: qsTr("The same new password again")
            Layout.fillWidth: true
            wrapMode: Text.Wrap
        }
        TextField {
            id: newPasswordAgain
            visible: Session.passwordChangeRequired
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("New password again")
            onAccepted: page.submit()
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
            onAccepted: page.submit()
        }
        InlineMessage { Layout.fillWidth: true; text: Session.error }
        RowLayout {
            Layout.fillWidth: true
            ActionButton {
                id: enrol
                text: Session.passwordChangeRequired ? qsTr("Set password and sign in") : qsTr("Sign in")
                highlighted: true
                enabled: !Session.busy
                Accessible.name: Session.passwordChangeRequired ? qsTr("Set the new password, sign in and enrol this device")
                                                                : qsTr("Sign in and enrol this device")
                onClicked: page.submit()
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
