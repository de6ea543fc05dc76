// A row of a list (cases, visits, timeline entries, destinations): Material's
// ItemDelegate, whose touch ripple exists only while the row is touched, hovered or
// focused, and for a second after, so the ripple's fade-out still plays.
// Why: an idle Material Ripple is not free. Under Qt Quick's software renderer (the
// offscreen tests, screenshots and benchmark; devices without a GPU driver) each one
// keeps a square raster image as wide as the row: 4.5 MB for a 1060-wide row, over
// 200 MB for the rows in view, cached and pooled on the benchmark's caseload and
// timeline (docs/architecture.md). The row looks the same: an idle ripple draws nothing.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Controls.Material.impl

ItemDelegate {
    id: row
    readonly property bool rippleShown: down || visualFocus || hovered
    onRippleShownChanged: if (!rippleShown) rippleFading.restart()

    Timer {
        id: rippleFading
        interval: 1000   // longer than the ripple's fade-out
    }

    // Material's own ItemDelegate background (Qt 6.4, Ripple from its impl module), with
    // the ripple made on demand; a newer Qt's ItemDelegate.qml is the one to follow.
    background: Rectangle {
        implicitHeight: row.Material.delegateHeight
        color: row.highlighted ? row.Material.listHighlightColor : "transparent"

        Loader {
            anchors.fill: parent
            active: row.rippleShown || rippleFading.running
            sourceComponent: Ripple {
                clip: visible
                pressed: row.pressed
                anchor: row
                active: enabled && (row.down || row.visualFocus || row.hovered)
                color: row.Material.rippleColor
            }
        }
    }
}
