// What a list says when it has nothing to show.
import QtQuick
import QtQuick.Controls

Label {
    horizontalAlignment: Text.AlignHCenter
    wrapMode: Text.Wrap
    opacity: 0.7
    padding: 24
    Accessible.role: Accessible.StaticText
    Accessible.name: text
}
