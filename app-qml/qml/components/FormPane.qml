// A scrolling column for forms and details: full width on a phone, at most 720 wide
// and centred on a tablet.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ScrollView {
    id: root
    default property alias content: column.data
    property int maxWidth: 720
    contentWidth: availableWidth
    clip: true

    ColumnLayout {
        id: column
        x: Math.max(16, (root.availableWidth - width) / 2)
        width: Math.min(root.availableWidth - 32, root.maxWidth)
        spacing: 10
        Item { implicitHeight: 4 }
    }
}
