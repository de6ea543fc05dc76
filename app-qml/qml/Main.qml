// The window: Material style, light or dark; shows enrolment, the PIN page or the
// app itself by the session's state. When the session locks, the app's pages are
// unloaded, so no case data stays in the item tree.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import Doorstep

ApplicationWindow {
    id: window
    property real textScale: 1.0
    property string themeChoice: ""   // "light", "dark" or "" (follow the system)

    width: 400
    height: 760
    visible: true
    title: qsTr("Doorstep")
    font.pixelSize: Math.round(15 * textScale)
    Material.theme: themeChoice === "dark" ? Material.Dark : themeChoice === "light" ? Material.Light : Material.System
    Material.primary: Material.Indigo
    // Teal 700: white text on it reads in both themes (contrast above 4.5:1).
    Material.accent: "#00796b"

    Loader {
        id: content
        anchors.fill: parent
        sourceComponent: Session.state === WorkerSession.Unlocked ? shell
                       : Session.state === WorkerSession.Locked ? unlock : signIn
    }

    Component { id: signIn; SignInPage {} }
    Component { id: unlock; UnlockPage {} }
    Component {
        id: shell
        AppShell {
            objectName: "shell"
            onThemeChosen: (choice) => window.themeChoice = choice
            themeChoice: window.themeChoice
        }
    }
}
