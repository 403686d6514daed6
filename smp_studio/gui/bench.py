"""GUI benchmark: drag a hairline point with real mouse events on a 12 MP photo.

The photo is the bundled front view, opened as the studio opens it (its face
found, the face guides and the hairline's warnings shown): where an artist
designs a hairline. Prints the median and 95th-percentile time from each
mouse-move event to the finished repaint of the canvas, also as multiples of
one blur pass over the same photo. ``python -m smp_studio.gui.bench [MEGAPIXELS]``
"""

from __future__ import annotations

import os
import sys
import time

#: The photo the hairline is dragged on.
PHOTO = "front-norwood4-hairline.jpg"


def run(megapixels: float = 12.0, moves: int = 40, out=print) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import cv2
    import numpy as np
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from smp_studio.bench import make_photo
    from smp_studio.core.analysis.photo import Photo
    from smp_studio.core.io.opening import open_simulation
    from smp_studio.gui.window import MainWindow

    app = QApplication.instance() or QApplication([])
    rgb = make_photo(megapixels, name=PHOTO)
    from smp_studio.bench import REF_PASSES

    ref = float(np.median([_t(lambda: cv2.GaussianBlur(rgb, (5, 5), 0)) for _ in range(REF_PASSES)]))
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        w = MainWindow(QSettings(os.path.join(d, "s.ini"), QSettings.Format.IniFormat),
                       recovery_dir=os.path.join(d, "recovery"))
        w.confirm_discard = lambda: "discard"  # the drag leaves changes: no question when closing
        w.resize(1400, 900)
        w.show()
        photo = Photo.from_array(rgb, "bench")
        opened = open_simulation(photo)
        opened.sim.prepare()
        w.doc.set_photo(photo, opened.sim.segmentation, sim=opened.sim)
        app.processEvents()
        c = w.canvas
        c.repaint()
        h = w.doc.hairline
        i = len(h.points) // 2
        x, y = h.points[i]

        def at(px, py):
            q = c.to_widget(px, py)
            return QPoint(int(round(q.x())), int(round(q.y())))

        QTest.mousePress(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x, y))
        times = []
        for k in range(1, moves + 1):
            target = at(x + 3 * k, y + 4 * k)
            t = time.perf_counter()
            QTest.mouseMove(c, target)
            c.repaint()  # synchronous: the time includes rendering what the artist sees
            times.append(time.perf_counter() - t)
        QTest.mouseRelease(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(x + 3 * moves, y + 4 * moves))
        w.close()
    med, p95 = float(np.median(times)), float(np.percentile(times, 95))
    H, W = rgb.shape[:2]
    out(f"\nGUI: drag a hairline point on a {megapixels:g} MP front photo ({W}x{H}, its face found: "
        f"{opened.sim.face is not None}), canvas 1400x900, {moves} mouse moves")
    out(f"  one 5x5 blur pass (reference)   {ref:8.3f} s")
    out(f"  event to repaint, median        {med:8.3f} s  {med / ref:6.1f} x blur  (target ~50 ms)")
    out(f"  event to repaint, 95th pct      {p95:8.3f} s  {p95 / ref:6.1f} x blur")
    return {"median": med, "p95": p95, "ref": ref}


def _t(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    import json

    from smp_studio._memory import tune_allocator

    tune_allocator()
    args = [a for a in sys.argv[1:] if a != "--json"]
    quiet = "--json" in sys.argv
    r = run(float(args[0]) if args else 12.0, int(args[1]) if len(args) > 1 else 40,
            out=(lambda *a: None) if quiet else print)
    if quiet:
        print(json.dumps(r))
