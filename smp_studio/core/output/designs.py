"""The project's hairline designs next to each other, for the client to choose from."""

from __future__ import annotations

import numpy as np

from smp_studio.core.output import compare
from smp_studio.core.output.anonymise import anonymise


def designs_row(images: list, titles: list, *, label: bool = True, gap: int | None = None,
                brand: str = "", width: int | None = None, before: bool = False) -> np.ndarray:
    """Images of one size in a row, each titled, with the simulation disclaimer.

    ``before``: the first image is the photo as taken, so its title does not say "simulation".

    Examples
    --------
    >>> a = np.zeros((60, 80, 3), np.uint8)
    >>> designs_row([a, a, a], ["Soft", "Edge-up", "Mature"], label=False, gap=4).shape
    (60, 248, 3)
    """
    h, w = images[0].shape[:2]
    if any(im.shape != images[0].shape for im in images):
        raise ValueError("the designs' images differ in size")
    g = max(4, w // 100) if gap is None else gap
    n = len(images)
    out = np.full((h, max(n * w + (n - 1) * g, width or 0), 3), 255, np.uint8)  # ``width``: exactly, if asked
    for i, im in enumerate(images):
        out[:, i * (w + g): i * (w + g) + w] = im
    px = max(12, int(round(min(h, w) * 0.035)))
    if not label:
        return compare.brand_band(out, brand, px) if brand else out
    tags = [((i * (w + g) + px, px), t if before and i == 0 else f"{t} (simulation)", "la")
            for i, t in enumerate(titles)]
    return compare.finish(out, tags, True, brand)


def designs_image(sim, *, width: int | None = None, label: bool = True, brand: str = "",
                  anonymise_mode: str | None = None, regions=()) -> tuple[np.ndarray, list]:
    """Every design of ``sim``'s project rendered on its photo, side by side (and what was hidden).

    ``width`` is the finished image's width. One design alone is shown next
    to the photo before treatment, so the export always compares something.
    """
    from smp_studio.core.engine.simulation import Simulation
    from smp_studio.core.output.exports import resize_width
    from smp_studio.core.model.variants import current_index, option_designs

    options = option_designs(sim.design)
    cur = current_index(sim.design)
    images, titles = [], []
    alone = len(options) == 1  # shown beside the photo as taken
    if alone:
        images.append(sim.photo.rgb)
        titles.append("Before")
    for i, (name, design) in enumerate(options):
        images.append(sim.render() if i == cur else Simulation(sim.photo, design=design).render())
        titles.append(name)
    found = []
    if anonymise_mode:
        first, found = anonymise(sim.photo.rgb, mode=anonymise_mode, regions=list(regions))
        images = [first if im is sim.photo.rgb else anonymise(im, mode=anonymise_mode, regions=found,
                                                                 detect_faces=False)[0] for im in images]
    each, gap = width, None
    if width:
        gap = max(4, width // 200)
        each = (width - (len(images) - 1) * gap) // len(images)
    images = [resize_width(im, each) for im in images]
    return designs_row(images, titles, label=label, gap=gap, brand=brand, width=width,
                       before=alone), found
