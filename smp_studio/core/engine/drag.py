"""A hairline drag, redone near the line alone.

While the artist drags a control point, the treatment zone and the dots change
only around the part of the line that moved (each segment carries its own
waves, see :meth:`~smp_studio.core.model.hairline.Hairline.irregular_curve`).
These functions update the previous zone and dots in that box instead of
starting again; the result is the same as starting again (the tests compare
them), at a fraction of the work on every mouse move.
"""

from __future__ import annotations

import numpy as np

from smp_studio.core.engine.dots import Candidates, Dots, place_dots
from smp_studio.core.engine.rows import insert_rows, take_rows
from smp_studio.core.engine.zones import Zone, ZoneMaps, depth_reach_mm, moved_part, signed_depth, wavy_line
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings

#: Treatments whose zone follows the hairline (and so can be updated near it).
LINE_TREATMENTS = ("full", "hairline", "density")


def patch_zone(zone: Zone, hairline: Hairline, settings: Settings, scale: Scale, maps: ZoneMaps,
               face_dir) -> Zone | None:
    """``zone`` (made for another hairline with the same ends) updated for ``hairline``.

    None when the change is not local (another number of points, moved ends,
    another face direction, or a treatment that does not follow the line):
    then the zone is made from scratch.
    """
    if zone.hairline_curve is None or settings.treatment not in LINE_TREATMENTS \
            or tuple(face_dir) != tuple(hairline.face_dir):
        return None
    new = wavy_line(hairline, settings, scale)
    pts = moved_part(zone.hairline_curve, new)
    if pts is None:
        return None
    if len(pts) == 0:
        return zone
    f, ppm = maps.factor, maps.px_per_mm
    h, w = zone.depth_mm.shape
    reach = depth_reach_mm(settings)
    r = int(np.ceil(reach * ppm)) + 2
    pts = pts * f
    # Depths change within reach of the part of the line that moved, and nowhere else.
    bx0, by0 = max(int(np.floor(pts[:, 0].min())) - r, 0), max(int(np.floor(pts[:, 1].min())) - r, 0)
    bx1, by1 = min(int(np.ceil(pts[:, 0].max())) + r + 1, w), min(int(np.ceil(pts[:, 1].max())) + r + 1, h)
    depth = zone.depth_mm.copy()
    weight = zone.weight
    if bx1 > bx0 and by1 > by0:
        depth[by0:by1, bx0:bx1] = signed_depth(new, hairline.face_dir, (h, w), f, ppm, reach,
                                               box=(bx0, by0, bx1, by1))
        if settings.treatment == "hairline":
            weight = weight.copy()
            weight[by0:by1, bx0:bx1] = maps.base[by0:by1, bx0:bx1] * np.clip(
                (settings.hairline_band_mm - depth[by0:by1, bx0:bx1]) / 6.0, 0, 1)
    box = (bx0 / f, by0 / f, bx1 / f, by1 / f)
    out = Zone(weight, depth, f, new, avoid_hair=zone.avoid_hair, scar=zone.scar, hint=zone.hint,
               patch=(id(zone), box))
    if weight is zone.weight:
        out.__dict__["_bbox"] = zone.bbox()  # the same weight: the same box (not searched for again)
    return out


def patch_dots(dots: Dots, zone: Zone, candidates: Candidates, settings: Settings, scale: Scale, *,
               photo_rgb=None, field=None) -> Dots:
    """``dots`` (placed on the zone ``zone`` was patched from) placed again inside the patched box."""
    x0, y0, x1, y1 = zone.patch[1]
    m = 2.0 / zone.factor  # a zone pixel's bilinear reach, in photo pixels
    xy = candidates.xy
    inside = (xy[:, 0] >= x0 - m) & (xy[:, 0] < x1 + m) & (xy[:, 1] >= y0 - m) & (xy[:, 1] < y1 + m)
    idx = np.flatnonzero(inside)
    sub = Candidates(take_rows(xy, idx), candidates.rank[idx], candidates.patch_d[idx],
                     {k: take_rows(a, idx) for k, a in candidates.draws.items()})
    fresh = place_dots(zone, settings, scale, photo_rgb=photo_rgb, field=field, candidates=sub)
    kept = dots.subset(~inside[dots.index])
    if len(fresh) == 0:
        return kept
    fresh_index = idx[fresh.index]
    # Both are in candidate order: slot the new dots in among the kept ones.
    at = np.searchsorted(kept.index, fresh_index)
    fields = ("xy", "size_mm", "opacity", "q", "depth_mm", "satellite", "shape")
    spread = None if kept.spread_opacity is None or fresh.spread_opacity is None else insert_rows(
        kept.spread_opacity, at, fresh.spread_opacity)
    return Dots(*(insert_rows(getattr(kept, k), at, getattr(fresh, k)) for k in fields),
                np.insert(kept.index, at, fresh_index), spread)
