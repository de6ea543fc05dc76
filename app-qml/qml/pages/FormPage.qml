// Filling in a form: every question type of the forms engine (text, numbers, dates
// and times, choices, location, photo, signature, acknowledgement, notes), groups as
// headings, repeats with "add another" and "remove", what is required, what is wrong,
// and progress. Answers go to the controller as they are given; nothing here checks.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Dialogs
import QtQuick.Layouts
import Doorstep

Page {
    id: page
    title: Form.title
    signal done()
    property alias list: list
    property alias submitButton: submit

    StackView.onRemoved: Form.close()

    readonly property color problemColour: Material.theme === Material.Dark ? "#ff8a80" : "#b00020"

    header: Pane {
        padding: 8
        leftPadding: Math.max(16, (page.width - 720) / 2)
        rightPadding: leftPadding
        ColumnLayout {
            width: parent.width
            Label {
                Layout.fillWidth: true
                text: qsTr("%1 of %2 answered").arg(Form.answered).arg(Form.total)
                wrapMode: Text.Wrap
            }
            InlineMessage { Layout.fillWidth: true; error: false; text: Form.versionNote }
            ProgressBar {
                Layout.fillWidth: true
                from: 0
                to: Math.max(1, Form.total)
                value: Form.answered
                Accessible.name: qsTr("Progress: %1 of %2 answered").arg(Form.answered).arg(Form.total)
            }
        }
    }

    footer: Pane {
        padding: 8
        leftPadding: Math.max(16, (page.width - 720) / 2)
        rightPadding: leftPadding
        Flow {
            width: parent.width
            spacing: 8
            ActionButton {
                id: submit
                text: qsTr("Check and finish")
                highlighted: true
                Accessible.name: qsTr("Check the form and finish it")
                onClicked: {
                    if (Form.submit()) {
                        page.done()
                        return
                    }
                    if (Form.firstProblemPath.length > 0) {
                        for (let i = 0; i < list.count; ++i) {
                            const item = list.itemAtIndex(i)
                            if (item && item.path === Form.firstProblemPath) {
                                list.positionViewAtIndex(i, ListView.Beginning)
                                return
                            }
                        }
                        list.positionViewAtEnd()
                    }
                }
            }
            ActionButton {
                text: qsTr("Keep as draft")
                flat: true
                Accessible.name: qsTr("Keep the form as a draft and leave")
                onClicked: page.done()
            }
            ActionButton {
                text: qsTr("Discard")
                flat: true
                Accessible.name: qsTr("Discard this form's answers")
                onClicked: discardDialog.open()
            }
        }
    }

    ListView {
        id: list
        anchors.fill: parent
        clip: true
        model: Form.questions
        cacheBuffer: 2000
        footer: ColumnLayout {
            width: list.width
            spacing: 8
            InlineMessage { Layout.fillWidth: true; Layout.margins: 16; text: Form.problems.join("\n") }
            InlineMessage { Layout.fillWidth: true; Layout.margins: 16; error: false; text: Form.problems.length === 0 ? Form.status : "" }
        }

        delegate: Item {
            id: row
            required property int index
            required property string path
            required property string kind
            required property string type
            required property string label
            required property string hint
            required property string appearance
            required property bool relevant
            required property bool required
            required property bool readOnly
            required property string problem
            required property string value
            required property var choices
            required property string repeat
            required property int instance

            width: ListView.view.width
            visible: relevant && !(kind === "question" && type === "calculate")
            height: visible ? body.implicitHeight + 8 : 0

            ColumnLayout {
                id: body
                // At most 720 wide and centred on a tablet, like the other forms.
                readonly property real column: Math.min(row.width - 32, 720)
                x: (row.width - column) / 2 + (row.instance > 0 && row.kind === "question" ? 12 : 0)
                width: column - (row.instance > 0 && row.kind === "question" ? 12 : 0)
                spacing: 4

                // Headings: groups, repeats and their instances.
                SectionTitle {
                    visible: row.kind === "group" || row.kind === "repeat"
                    Layout.fillWidth: true
                    text: row.label
                }
                RowLayout {
                    visible: row.kind === "instance"
                    Layout.fillWidth: true
                    Label { Layout.fillWidth: true; text: row.label; font.bold: true; wrapMode: Text.Wrap }
                    ActionButton {
                        text: qsTr("Remove")
                        flat: true
                        Accessible.name: qsTr("Remove %1").arg(row.label)
                        onClicked: Form.removeRepeat(row.repeat, row.instance)
                    }
                }
                ActionButton {
                    visible: row.kind === "add"
                    text: qsTr("Add %1").arg(row.label.toLowerCase())
                    Accessible.name: text
                    onClicked: Form.addRepeat(row.repeat)
                }

                // A question: its label (with "required"), hint, the control, the problem.
                Label {
                    visible: row.kind === "question" && row.type !== "acknowledge"
                    Layout.fillWidth: true
                    text: row.label + (row.required ? " *" : "")
                    font.bold: row.type !== "note"
                    wrapMode: Text.Wrap
                    Accessible.role: Accessible.StaticText
                    Accessible.name: row.label + (row.required ? qsTr(", required") : "")
                }
                Label {
                    visible: row.kind === "question" && row.hint.length > 0
                    Layout.fillWidth: true
                    text: row.hint
                    wrapMode: Text.Wrap
                    opacity: 0.75
                }
                Loader {
                    Layout.fillWidth: true
                    active: row.kind === "question" && row.type !== "note"
                    sourceComponent: {
                        switch (row.type) {
                        case "select_one": return row.choices.length > 6 || row.appearance === "minimal" ? comboControl : radioControl
                        case "select_multiple": return checkControl
                        case "acknowledge": return acknowledgeControl
                        case "geopoint": return geopointControl
                        case "image": return imageControl
                        case "signature": return signatureControl
                        case "text": return row.appearance === "multiline" ? areaControl : fieldControl
                        default: return fieldControl   // integer, decimal, date, time, datetime
                        }
                    }
                }
                Label {
                    visible: row.problem.length > 0
                    Layout.fillWidth: true
                    text: row.problem
                    color: page.problemColour
                    wrapMode: Text.Wrap
                    Accessible.role: Accessible.AlertMessage
                    Accessible.name: text
                }

                Component {
                    id: fieldControl
                    RowLayout {
                        TextField {
                            id: field
                            Layout.fillWidth: true
                            text: row.value
                            enabled: !row.readOnly
                            placeholderText: row.type === "date" ? "YYYY-MM-DD" : row.type === "time" ? "HH:MM"
                                           : row.type === "datetime" ? "YYYY-MM-DDTHH:MM" : ""
                            inputMethodHints: Qt.ImhNoPredictiveText
                                              | (row.type === "integer" ? Qt.ImhDigitsOnly
                                                 : row.type === "decimal" ? Qt.ImhFormattedNumbersOnly : 0)
                            Accessible.name: row.label
                            onEditingFinished: if (text !== row.value) Form.answer(row.path, text)
                        }
                        ActionButton {
                            visible: !row.readOnly && (row.type === "date" || row.type === "time" || row.type === "datetime")
                            text: row.type === "date" ? qsTr("Today") : qsTr("Now")
                            flat: true
                            Accessible.name: qsTr("%1: %2").arg(row.label).arg(text)
                            onClicked: {
                                const d = new Date()
                                const iso = Qt.formatDateTime(d, row.type === "date" ? "yyyy-MM-dd" : row.type === "time" ? "HH:mm" : "yyyy-MM-ddTHH:mm")
                                Form.answer(row.path, iso)
                            }
                        }
                    }
                }
                Component {
                    id: areaControl
                    TextArea {
                        text: row.value
                        enabled: !row.readOnly
                        wrapMode: TextEdit.Wrap
                        inputMethodHints: Qt.ImhNoPredictiveText
                        Accessible.name: row.label
                        onEditingFinished: if (text !== row.value) Form.answer(row.path, text)
                    }
                }
                Component {
                    id: radioControl
                    Flow {
                        spacing: 4
                        Repeater {
                            model: row.choices
                            delegate: RadioButton {
                                required property var modelData
                                text: modelData.label
                                checked: row.value === modelData.name
                                enabled: !row.readOnly
                                Accessible.name: row.label + ": " + modelData.label
                                onClicked: Form.answer(row.path, modelData.name)
                            }
                        }
                    }
                }
                Component {
                    id: comboControl
                    ComboBox {
                        model: row.choices
                        textRole: "label"
                        valueRole: "name"
                        enabled: !row.readOnly
                        currentIndex: row.choices.findIndex(c => c.name === row.value)
                        displayText: currentIndex < 0 ? qsTr("Choose…") : currentText
                        Accessible.name: row.label
                        onActivated: Form.answer(row.path, currentValue)
                    }
                }
                Component {
                    id: checkControl
                    Flow {
                        spacing: 4
                        Repeater {
                            model: row.choices
                            delegate: CheckBox {
                                required property var modelData
                                readonly property var chosen: row.value.length > 0 ? row.value.split(" ") : []
                                text: modelData.label
                                checked: chosen.indexOf(modelData.name) >= 0
                                enabled: !row.readOnly
                                Accessible.name: row.label + ": " + modelData.label
                                onClicked: {
                                    let next = chosen.filter(n => n !== modelData.name)
                                    if (checked) next.push(modelData.name)
                                    Form.answer(row.path, next.join(" "))
                                }
                            }
                        }
                    }
                }
                Component {
                    id: acknowledgeControl
                    CheckBox {
                        text: row.label + (row.required ? " *" : "")
                        checked: row.value === "OK"
                        enabled: !row.readOnly
                        Accessible.name: row.label
                        onClicked: Form.answer(row.path, checked ? "OK" : "")
                    }
                }
                Component {
                    id: geopointControl
                    ColumnLayout {
                        Label {
                            Layout.fillWidth: true
                            visible: row.value.length > 0
                            text: row.value
                            wrapMode: Text.Wrap
                        }
                        ActionButton {
                            text: row.value.length > 0 ? qsTr("Update my location") : qsTr("Use my location")
                            enabled: !row.readOnly
                            Accessible.name: qsTr("%1: use my location").arg(row.label)
                            onClicked: Form.answerWithLocation(row.path)
                        }
                    }
                }
                Component {
                    id: imageControl
                    ColumnLayout {
                        Label {
                            Layout.fillWidth: true
                            visible: row.value.length > 0
                            text: qsTr("Photo attached")
                            wrapMode: Text.Wrap
                        }
                        Flow {
                            Layout.fillWidth: true
                            spacing: 8
                            ActionButton {
                                text: row.value.length > 0 ? qsTr("Choose another file") : qsTr("Choose a photo")
                                Accessible.name: qsTr("%1: choose a photo").arg(row.label)
                                onClicked: photoDialog.open()
                            }
                            ActionButton {
                                visible: row.value.length > 0
                                text: qsTr("Remove")
                                flat: true
                                Accessible.name: qsTr("%1: remove the photo").arg(row.label)
                                onClicked: Form.answer(row.path, "")
                            }
                        }
                        FileDialog {
                            id: photoDialog
                            title: row.label
                            nameFilters: [qsTr("Photos (*.jpg *.jpeg *.png *.heic *.webp)")]
                            onAccepted: Form.attachPhoto(row.path, selectedFile)
                        }
                    }
                }
                Component {
                    id: signatureControl
                    ColumnLayout {
                        Rectangle {
                            Layout.fillWidth: true
                            Layout.preferredHeight: 140
                            color: "white"
                            border.color: "#9e9e9e"
                            Canvas {
                                id: pad
                                anchors.fill: parent
                                property var points: []
                                property bool signed: false
                                Accessible.role: Accessible.Graphic
                                Accessible.name: qsTr("%1: signature pad").arg(row.label)
                                onPaint: {
                                    const ctx = getContext("2d")
                                    ctx.clearRect(0, 0, width, height)
                                    ctx.strokeStyle = "#1a237e"
                                    ctx.lineWidth = 2
                                    ctx.beginPath()
                                    for (const stroke of points) {
                                        for (let i = 0; i < stroke.length; ++i) {
                                            if (i === 0) ctx.moveTo(stroke[i].x, stroke[i].y)
                                            else ctx.lineTo(stroke[i].x, stroke[i].y)
                                        }
                                    }
                                    ctx.stroke()
                                }
                                MouseArea {
                                    anchors.fill: parent
                                    enabled: !row.readOnly
                                    onPressed: (e) => { pad.points.push([{x: e.x, y: e.y}]) }
                                    onPositionChanged: (e) => { pad.points[pad.points.length - 1].push({x: e.x, y: e.y}); pad.signed = true; pad.requestPaint() }
                                }
                            }
                        }
                        Flow {
                            Layout.fillWidth: true
                            spacing: 8
                            ActionButton {
                                text: qsTr("Use this signature")
                                enabled: pad.signed
                                Accessible.name: qsTr("%1: use this signature").arg(row.label)
                                onClicked: Form.attachSignature(row.path, pad.toDataURL("image/png"))
                            }
                            ActionButton {
                                text: qsTr("Clear")
                                flat: true
                                Accessible.name: qsTr("%1: clear the signature").arg(row.label)
                                onClicked: { pad.points = []; pad.signed = false; pad.requestPaint(); Form.answer(row.path, "") }
                            }
                        }
                        Label {
                            visible: row.value.length > 0
                            text: qsTr("Signed")
                        }
                    }
                }
            }
        }
    }

    Dialog {
        id: discardDialog
        anchors.centerIn: parent
        width: Math.min(page.width - 32, 400)
        title: qsTr("Discard this form?")
        modal: true
        standardButtons: Dialog.Discard | Dialog.Cancel
        Label { width: parent.width; wrapMode: Text.Wrap; text: qsTr("Its answers will be deleted from this device.") }
        onDiscarded: { Form.discard(); close(); page.done() }
    }
}
