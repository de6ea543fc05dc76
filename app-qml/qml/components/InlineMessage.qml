// A one-line message inside a page: an error (red) or a quiet notice. Hidden when empty.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

Pane {
    id: root
    property string text
    property bool error: true
    visible: text.length > 0
    padding: 10
    Material.elevation: 0
    Material.background: error ? (Material.theme === Material.Dark ? "#5c1f1f" : "#fde7e7")
                               : (Material.theme === Material.Dark ? "#263238" : "#eceff1")
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    Label {
        width: parent.width
        text: root.text
        wrapMode: Text.Wrap
        color: root.error ? (Material.theme === Material.Dark ? "#ffcdd2" : "#8e1111") : Material.foreground
    }
}
