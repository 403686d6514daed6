"""The project's designs next to each other on the canvas, at the canvas's zoom and pan.

The shown design renders through the document's simulation (so a hairline
drag stays live); every other design has a simulation of its own, kept
between paints, so switching zoom or pan re-renders only the view.
"""

from __future__ import annotations

import numpy as np

from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.variants import current_index, designs


class DesignPanes:
    """Images of every design for one view of the photo."""

    def __init__(self):
        self._sims: dict[int, Simulation] = {}
        self._cache: dict[int, tuple] = {}

    def clear(self) -> None:
        self._sims.clear()
        self._cache.clear()

    def hairline(self, index: int):
        """The line of a design shown in another pane (None until it was drawn once)."""
        sim = self._sims.get(index)
        return sim.hairline if sim is not None else None

    def panes(self, doc, view, size, shown_image) -> list[tuple[str, np.ndarray, bool]]:
        """(title, image, is the shown design) per pane; one design alone is paired with the photo."""
        d = doc.design
        options = designs(d)
        cur = current_index(d)
        out = []
        if len(options) == 1:
            out.append(("Before", view.crop(doc.photo.rgb, size), False))
        for i, v in enumerate(options):
            if i == cur:
                out.append((v.name, shown_image(), True))
                continue
            # the option's own parts and the photo's shared ones decide its image
            key = (view, size, id(v.settings), id(v.hairline), v.mirror, id(d.detection), id(d.edits), id(d.scar))
            hit = self._cache.get(i)
            if hit is None or hit[0] != key:
                design = v.on(d)
                sim = self._sims.get(i)
                if sim is None or sim.photo is not doc.photo:
                    sim = self._sims[i] = Simulation(doc.photo, design=design)
                else:
                    sim.design = design
                hit = self._cache[i] = (key, sim.render(view, size), v)  # v holds the ids' objects alive
            out.append((v.name, hit[1], False))
        return out
