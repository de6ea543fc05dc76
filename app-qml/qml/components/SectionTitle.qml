// A heading above a group of items.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

Label {
    font.pixelSize: ApplicationWindow.window ? Math.round(ApplicationWindow.window.font.pixelSize * 0.9) : 13
    font.bold: true
    font.capitalization: Font.AllUppercase
    color: Material.theme === Material.Dark ? "#80cbc4" : "#00695c"
    topPadding: 12
    bottomPadding: 4
    wrapMode: Text.Wrap
    Accessible.role: Accessible.Heading
    Accessible.name: text
}
