// Settings: change PIN, lock now, switch user (a shared tablet), sign out (erase
// this worker's data from the device), when Doorstep locks itself, and the theme.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: qsTr("Settings")
    property string themeChoice
    signal themeChosen(string choice)
    property alias lockButton: lockNow
    property alias switchButton: switchUser
    property string pinMessage: ""

    FormPane {
        anchors.fill: parent
        Label {
            Layout.fillWidth: true
            text: qsTr("Signed in as %1 with %2").arg(Session.user).arg(Session.serverUrl)
            wrapMode: Text.Wrap
        }
        Flow {
            Layout.fillWidth: true
            spacing: 8
            ActionButton {
                id: lockNow
                text: qsTr("Lock now")
                highlighted: true
                Accessible.name: text
                onClicked: Session.lock()
            }
            ActionButton {
                id: switchUser
                text: qsTr("Switch user")
                Accessible.name: qsTr("Lock and switch to another worker")
                onClicked: Session.switchUser()
            }
        }

        SectionTitle { text: qsTr("Change PIN") }
        TextField {
            id: oldPin
            Layout.fillWidth: true
            placeholderText: qsTr("Current PIN")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("Current PIN")
        }
        TextField {
            id: newPin
            Layout.fillWidth: true
            placeholderText: qsTr("New PIN")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("New PIN")
        }
        TextField {
            id: newPinAgain
            Layout.fillWidth: true
            placeholderText: qsTr("New PIN again")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhDigitsOnly | Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("New PIN again")
        }
        InlineMessage { Layout.fillWidth: true; text: Session.error }
        InlineMessage { Layout.fillWidth: true; error: false; text: page.pinMessage }
        ActionButton {
            text: qsTr("Change PIN")
            enabled: oldPin.text.length > 0 && newPin.text.length > 0
            Accessible.name: text
            onClicked: {
                page.pinMessage = Session.changePin(oldPin.text, newPin.text, newPinAgain.text) ? qsTr("PIN changed.") : ""
                oldPin.clear(); newPin.clear(); newPinAgain.clear()
            }
        }

        SectionTitle { text: qsTr("Locking") }
        Label { text: qsTr("Lock after this long without use") }
        ComboBox {
            Layout.fillWidth: true
            readonly property var seconds: [60, 120, 300, 600]
            model: [qsTr("1 minute"), qsTr("2 minutes"), qsTr("5 minutes"), qsTr("10 minutes")]
            currentIndex: Math.max(0, seconds.indexOf(Session.idleLockSeconds))
            Accessible.name: qsTr("Lock after idle time")
            onActivated: Session.idleLockSeconds = seconds[currentIndex]
        }
        Label { text: qsTr("Lock when Doorstep is in the background for") }
        ComboBox {
            Layout.fillWidth: true
            readonly property var seconds: [0, 30, 60, 300]
            model: [qsTr("at once"), qsTr("30 seconds"), qsTr("1 minute"), qsTr("5 minutes")]
            currentIndex: Math.max(0, seconds.indexOf(Session.backgroundLockSeconds))
            Accessible.name: qsTr("Lock after time in the background")
            onActivated: Session.backgroundLockSeconds = seconds[currentIndex]
        }

        SectionTitle { text: qsTr("Appearance") }
        ComboBox {
            Layout.fillWidth: true
            readonly property var choices: ["", "light", "dark"]
            model: [qsTr("Follow the device"), qsTr("Light"), qsTr("Dark")]
            currentIndex: Math.max(0, choices.indexOf(page.themeChoice))
            Accessible.name: qsTr("Theme")
            onActivated: page.themeChosen(choices[currentIndex])
        }

        SectionTitle { text: qsTr("Sign out") }
        Label {
            Layout.fillWidth: true
            text: qsTr("Signing out erases your data from this device. Anything not yet sent is lost.")
            wrapMode: Text.Wrap
        }
        ActionButton {
            text: qsTr("Sign out of this device")
            Accessible.name: text
            onClicked: { signOutDialog.pending = Session.pendingChanges(); signOutDialog.open() }
        }
        Item { implicitHeight: 16 }
    }

    Dialog {
        id: signOutDialog
        property int pending: 0
        anchors.centerIn: parent
        width: Math.min(page.width - 32, 420)
        modal: true
        title: qsTr("Sign out and erase?")
        standardButtons: Dialog.Cancel | Dialog.Ok
        Label {
            width: parent.width
            wrapMode: Text.Wrap
            text: signOutDialog.pending > 0
                  ? qsTr("%1 changes or drafts have not been sent and will be lost. Sync first if you can.").arg(signOutDialog.pending)
                  : qsTr("Everything has been sent. Your data will be erased from this device.")
        }
        onAccepted: Session.signOut()
    }
}
