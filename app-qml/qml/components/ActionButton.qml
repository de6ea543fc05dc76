// A Button that stays visible where the scene graph cannot draw Material's shadow
// (the software renderer: offscreen tests, screenshots, some old devices draw no
// shader effects, and a shadowed Material button would lose its background there).
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

Button {
    Material.elevation: GraphicsInfo.api === GraphicsInfo.Software ? 0 : 2
}
