"""How the studio shows the design: tool, compare mode, overlay, brush.

Not part of the design (nothing here is saved or undone), but shared by the
canvas, the panel and the menus. Each subscribes to :attr:`ViewState.changed`
and none of them sets another's widgets by hand.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

TOOLS = ("hairline", "brush", "calibrate", "eyedropper", "pan", "privacy")
COMPARE_MODES = ("after", "split", "side-by-side", "before", "designs")
COMPARE_LABELS = {"after": "After", "split": "Split", "side-by-side": "Side by side", "before": "Before",
                  "designs": "Designs side by side"}


class ViewState(QObject):
    """Evented attributes: ``set(tool="brush")`` emits ``changed("tool")`` once, if it changed."""

    changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tool = "hairline"
        self.compare = "after"
        self.overlay = False
        self.overlay_opacity = 0.4
        self.brush_class = 1
        self.brush_px = 24.0  # radius on screen
        self.guides = True  # face guides, where a face is known
        self.lighting = None  # None, or a light of engine.lighting.LIGHTS: the lighting check

    def set(self, **changes) -> None:
        for name, value in changes.items():
            if not hasattr(self, name):
                raise AttributeError(name)
            if name == "tool" and value not in TOOLS:
                raise ValueError(f"unknown tool {value!r}")
            if name == "compare" and value not in COMPARE_MODES:
                raise ValueError(f"unknown compare mode {value!r}")
            if getattr(self, name) != value:
                setattr(self, name, value)
                self.changed.emit(name)
