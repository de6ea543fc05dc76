// A person's warning markers ("dog at property", "lone-worker risk"), shown first and
// in a colour that reads in both themes.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

Flow {
    id: root
    property var markers: []
    spacing: 6
    visible: markers.length > 0

    Repeater {
        model: root.markers
        delegate: Label {
            required property string modelData
            text: "⚠ " + modelData
            width: Math.min(implicitWidth, root.width)
            wrapMode: Text.Wrap
            font.bold: true
            padding: 4
            leftPadding: 8
            rightPadding: 8
            color: Material.theme === Material.Dark ? "#ffe0b2" : "#6d3400"
            background: Rectangle {
                radius: height / 2
                color: Material.theme === Material.Dark ? "#4e3100" : "#ffe0b2"
            }
            Accessible.role: Accessible.StaticText
            Accessible.name: qsTr("Warning: %1").arg(modelData)
        }
    }
}
