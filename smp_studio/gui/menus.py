"""The window's menus, toolbar and shortcuts, built from the document and view state."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from smp_studio.gui.canvas_layers import AS_PHOTOGRAPHED_KEY, LIGHT_NAMES
from smp_studio.gui.viewstate import COMPARE_LABELS, COMPARE_MODES

TOOL_ACTIONS = [
    ("hairline", "&Hairline", "H", "Drag points; click the line to add one; right-click a point to delete it; "
                                   "click a point, then nudge it with the arrow keys"),
    ("brush", "&Brush", "B", "Paint corrections to the areas"),
    ("calibrate", "&Calibrate", "K", "Draw a line of known length to set the scale"),
    ("eyedropper", "Hair &tone", "I", "Click the client's hair to match the pigment tone"),
    ("pan", "&Pan", "P", "Drag to move around (or hold Space, or drag with the middle button)"),
    ("privacy", "Hide &region", "R", "Drag a rectangle over anything that identifies the client: exports blur it"),
]


def action(win, text, slot, shortcut=None, tip=None, checkable=False) -> QAction:
    a = QAction(text, win)
    keys = shortcut if isinstance(shortcut, list) else [shortcut] if shortcut else []
    if keys:
        a.setShortcuts([QKeySequence(k) for k in keys])
    if tip:
        a.setToolTip(f"{tip} ({QKeySequence(keys[0]).toString()})" if keys else tip)
        a.setStatusTip(tip)
    a.setCheckable(checkable)
    a.triggered.connect(slot)
    return a


def build(win) -> None:
    """Menus and toolbar of ``win`` (a MainWindow); actions are kept on it for tests and scripts."""
    m = win.menuBar()
    doc, st = win.doc, win.view_state
    f = m.addMenu("&File")
    win.open_act = action(win, "&Open...", win.open_dialog, QKeySequence.StandardKey.Open,
                          "Open a client photo or a saved project")
    f.addAction(win.open_act)
    win.recent_menu = f.addMenu("Open &recent")
    win.save_act = action(win, "&Save project", win.save_project, QKeySequence.StandardKey.Save,
                          "Save the design (photo, areas, hairline, settings, notes) in one file")
    win.save_as_act = action(win, "Save project &as...", win.save_project_as, "Ctrl+Shift+S",
                             "Save the design under a new name")
    win.export_act = action(win, "&Export...", win.open_export_dialog, "Ctrl+E",
                            "Images, comparisons, the patient handout (PDF) or a wipe animation")
    win.clinic_act = action(win, "&Clinic settings...", win.open_clinic_dialog, None,
                            "Clinic name, logo, price table and disclaimer for exports")
    for a in (win.save_act, win.save_as_act, win.export_act, win.clinic_act):
        f.addAction(a)
    f.addSeparator()
    f.addAction(action(win, "&Quit", win.close, "Ctrl+Q", "Close the studio (asks first about unsaved changes)"))  # explicit: some platforms bind no Quit key

    e = m.addMenu("&Edit")
    win.undo_act = action(win, "&Undo", doc.undo, "Ctrl+Z", "Undo the last change")
    win.redo_act = action(win, "&Redo", doc.redo, ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo what was undone")
    e.addAction(win.undo_act)
    e.addAction(win.redo_act)

    def history_changed():
        h = doc.history
        win.undo_act.setEnabled(h.can_undo)
        win.redo_act.setEnabled(h.can_redo)
        win.undo_act.setText(f"&Undo {h.undo_label}".rstrip())
        win.redo_act.setText(f"&Redo {h.redo_label}".rstrip())

    doc.historyChanged.connect(history_changed)
    doc.photoChanged.connect(history_changed)
    history_changed()

    v = m.addMenu("&View")
    v.addAction(action(win, "&Fit to window", win.canvas.fit, "F", "Show the whole photo"))
    v.addAction(action(win, "&100%", win.canvas.actual_size, "1", "One photo pixel per screen pixel (a small photo is shown whole)"))
    v.addAction(action(win, "Zoom &in", lambda: win.canvas.zoom_by(1.25), ["+", "Ctrl+=", "Ctrl++", "="],
                       "Zoom in"))
    v.addAction(action(win, "Zoom &out", lambda: win.canvas.zoom_by(0.8), ["-", "Ctrl+-"], "Zoom out"))
    win.overlay_act = action(win, "Area &overlay", lambda on: st.set(overlay=on), "O",
                             "Tint bald, thinning and hair", True)
    v.addAction(win.overlay_act)
    win.guides_act = action(win, "Face &guides", lambda on: st.set(guides=on), "G",
                            "Glabella, verticals through the outer eye corners, facial thirds and the hairline's "
                            "height in cm (where a face is found)", True)
    win.guides_act.setChecked(st.guides)
    v.addAction(win.guides_act)
    light_menu = v.addMenu("&Lighting check")
    lights = QActionGroup(win)
    win.lighting_acts = {}
    for value, key in ((None, AS_PHOTOGRAPHED_KEY), ("overhead", None), ("flash", None)):
        label = "As photographed" if value is None else LIGHT_NAMES[value].capitalize()
        a = action(win, label, lambda _=False, v_=value: st.set(lighting=v_), key,
                   "How the result looks under this light (work that looks fine in person can look harsh)", True)
        lights.addAction(a)
        light_menu.addAction(a)
        win.lighting_acts[value] = a
    win.lighting_acts[None].setChecked(True)
    v.addSeparator()
    group = QActionGroup(win)
    win.compare_acts = {}
    for i, mode in enumerate(COMPARE_MODES):
        label = COMPARE_LABELS[mode]
        a = action(win, label, lambda _=False, m_=mode: st.set(compare=m_), f"Ctrl+{i + 1}", f"Compare: {label}", True)
        group.addAction(a)
        v.addAction(a)
        win.compare_acts[mode] = a
    win.compare_acts[st.compare].setChecked(True)

    t = m.addMenu("&Tools")
    tb = win.addToolBar("Tools")
    tb.setObjectName("tools")
    tools = QActionGroup(win)
    win.tool_acts = {}
    for name, label, key, tip in TOOL_ACTIONS:
        a = action(win, label, lambda _=False, n=name: st.set(tool=n), key, tip, True)
        tools.addAction(a)
        t.addAction(a)
        tb.addAction(a)
        win.tool_acts[name] = a
    win.tool_acts[st.tool].setChecked(True)
    tb.addSeparator()
    tb.addAction(win.undo_act)
    tb.addAction(win.redo_act)

    h = m.addMenu("&Help")
    h.addAction(action(win, "&About SMP Studio", win.about))
