"""Where the impressions go: the treatment zone and its density weights.

The zone is a weight map (0 = no dots, 1 = full body density) plus, where a
hairline is drawn, the signed distance behind it in mm, which drives the
sparser, finer, lighter transition and the scattered dots ahead of the line.
Maps are kept at a working resolution (``ZONE_SIZE`` on the long side) and
sampled bilinearly at dot positions, which is precise to a fraction of a dot
spacing and keeps a 24 MP photo cheap.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.errors import SettingsError
from smp_studio.core.analysis.head import head_frame
from smp_studio.core.model.hairline import Hairline, across_dir
from smp_studio.core.model.scale import Scale
from smp_studio.core.analysis.segmentation import BACKGROUND, BALD, HAIR_FROM, Segmentation
from smp_studio.core.model.settings import Settings

ZONE_SIZE = 1024
FAR = 1e6  # "no hairline": every point is far behind it
RIM_MM = 8.0  # hair within this of the head's silhouette is (mostly) its edge, not thinning
#: The blend into the fringe at its most: existing hair gets a lighter density than bare skin, so
#: the shadow fades into the hair rather than painting over it.
BLEND_MAX = 0.55


@dataclass(frozen=True, eq=False)
class Zone:
    """Density weight and hairline depth over the photo, at a reduced resolution.

    Attributes
    ----------
    weight : ndarray float32 (h, w)
        Relative density, 0..1 (before the hairline transition).
    depth_mm : ndarray float32 (h, w)
        Signed distance behind the hairline in mm (negative: ahead of it,
        toward the face); ``FAR`` everywhere when there is no hairline.
    factor : float
        Zone pixels per photo pixel.
    hairline_curve : ndarray (M, 2) or None
        The (irregular) line that was used, in photo pixels.
    avoid_hair : bool
        Density treatment: impressions must not land on hair strands.
    scar : bool
        Scar camouflage: the dots sit in scar tissue (paler, patchier uptake).
    hint : str
        Why the zone is empty, for the artist (e.g. no scar painted yet).
    patch : (int, (x0, y0, x1, y1)) or None
        For a zone updated after a hairline drag: ``id`` of the zone it was
        updated from and the photo box outside which both are the same.
    """

    weight: np.ndarray
    depth_mm: np.ndarray
    factor: float
    hairline_curve: np.ndarray | None
    avoid_hair: bool = False
    scar: bool = False
    hint: str = ""
    patch: tuple | None = None

    def sample(self, xy: np.ndarray, which: str = "weight") -> np.ndarray:
        """Bilinear samples of a map at photo-pixel points ``xy`` (N, 2)."""
        m = self.weight if which == "weight" else self.depth_mm
        p = np.asarray(xy, np.float32).reshape(-1, 2) * self.factor
        n = len(p)
        if n == 0:
            return np.zeros(0, np.float32)
        cols = 4096  # remap maps must stay under 32767 on a side
        pad = (-n) % cols if n > cols else 0
        p = np.pad(p, ((0, pad), (0, 0))) if pad else p
        shape = (-1, cols) if n > cols else (1, -1)
        off = -0.5 + 0.5 * self.factor  # photo pixel centres onto zone pixel centres
        out = cv2.remap(m, p[:, 0].reshape(shape) + off, p[:, 1].reshape(shape) + off,
                        cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                        borderValue=0.0 if which == "weight" else FAR)
        return out.ravel()[:n]

    def area_px(self) -> float:
        """Treated area in photo pixels, counted at full-density equivalent.

        A fading edge counts in proportion to its density, so the figure
        matches the number of impressions the quote is for.
        """
        return float(self.weight.sum(dtype=np.float64)) / self.factor**2

    @functools.cached_property
    def _bbox(self) -> tuple[int, int, int, int] | None:
        return self._find_bbox()

    def bbox(self) -> tuple[int, int, int, int] | None:
        """(x0, y0, x1, y1) in photo pixels of the non-zero weight, or None (found once per zone)."""
        return self._bbox

    def _find_bbox(self) -> tuple[int, int, int, int] | None:
        """(x0, y0, x1, y1) in photo pixels of the non-zero weight, or None."""
        on = self.weight > 0
        cols, rows = np.flatnonzero(on.any(axis=0)), np.flatnonzero(on.any(axis=1))
        if cols.size == 0:
            return None
        f = self.factor
        return (int(cols[0] / f), int(rows[0] / f), int(np.ceil((cols[-1] + 1) / f)), int(np.ceil((rows[-1] + 1) / f)))


@dataclass(frozen=True, eq=False)
class ZoneMaps:
    """The segmentation at the zone's working resolution: what every hairline edit reuses."""

    labels: np.ndarray
    density: np.ndarray
    head: np.ndarray
    room: np.ndarray  # the treatable scalp (0..1) within the head
    base: np.ndarray  # full density on skin and thinning, fading into dense hair
    factor: float
    px_per_mm: float  # zone pixels per mm


def zone_maps(seg: Segmentation, settings: Settings, scale: Scale, scalp=None) -> ZoneMaps:
    """Resample the segmentation once; a moved hairline needs none of this again."""
    H, W = seg.labels.shape
    f = min(1.0, ZONE_SIZE / max(H, W))
    w, h = max(int(round(W * f)), 1), max(int(round(H * f)), 1)
    f = w / W
    labels = cv2.resize(seg.labels, (w, h), interpolation=cv2.INTER_NEAREST)
    dens = cv2.resize(seg.hair_density, (w, h), interpolation=cv2.INTER_AREA)
    head = labels != BACKGROUND
    px_per_mm = scale.px_per_mm * f  # zone pixels per mm
    # The treatable scalp bounds every treatment but a hand-painted scar.
    room = scalp.resized((h, w)) if scalp is not None else np.ones((h, w), np.float32)
    room = (room * head).astype(np.float32)

    # Existing hair: full density on skin and thinning, fading out into dense hair.
    hairy = dens > 0.62
    base = room.copy()
    if hairy.any() and settings.blend_mm > 0:
        into = cv2.distanceTransform(hairy.astype(np.uint8), cv2.DIST_L2, 5) / px_per_mm
        blend = BLEND_MAX * np.clip(1.0 - into / settings.blend_mm, 0, 1)
        base = np.where(hairy, blend * room, base)
    # Hair seen edge-on at the head's silhouette thins out against the background: it reads as
    # thinning, but it is the edge of a full head of hair. Near the silhouette only bare skin is
    # treated (the frame's edge is not a silhouette).
    edge = cv2.distanceTransform(np.pad(head.astype(np.uint8), 1, constant_values=1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    rim = np.clip(edge / max(RIM_MM * px_per_mm, 1e-3) * 2.0 - 1.0, 0, 1)  # none in the outer half, then a ramp
    # Bald skin is treated out to the silhouette, but for its last millimetre: a dot there would
    # hang over the edge onto the wall.
    skin_rim = np.clip(edge / max(px_per_mm, 1e-3) - 0.5, 0, 1)
    base = base * np.where(labels == BALD, skin_rim, rim)
    return ZoneMaps(labels, dens, head, room, base.astype(np.float32), f, px_per_mm)


def treatment_zone(seg: Segmentation, settings: Settings, scale: Scale, *,
                   hairline: Hairline | None = None, scar_mask=None, crown_center=None, scalp=None,
                   skin_show=None, maps: ZoneMaps | None = None) -> Zone:
    """The treatment zone for a segmentation, settings and optional hairline.

    Parameters
    ----------
    seg : Segmentation
    settings : Settings
        ``treatment`` picks the kind: ``full`` (shaved look up to the
        hairline, blended into the fringe), ``density`` (thinning areas only,
        between the hairs), ``hairline`` (a band behind the line), ``crown``
        (a disc around the vertex) or ``scar`` (the painted ``scar_mask``).
    scale : Scale
    hairline : Hairline, optional, keyword-only
    scar_mask : ndarray (H, W) bool, optional, keyword-only
    crown_center : (x, y), optional, keyword-only
        Default: behind the centre of the head, away from the face.
    scalp : Scalp, optional, keyword-only
        The treatable scalp (:func:`~smp_studio.core.analysis.scalp.treatable_scalp`):
        every treatment but a painted scar stays inside it.
    skin_show : ndarray (H', W') float, optional, keyword-only
        Share of skin showing between hairs at fine scale (0..1, any size):
        the density treatment follows it.
    maps : ZoneMaps, optional, keyword-only
        From :func:`zone_maps` for the same inputs (computed if not given).
    """
    m = maps if maps is not None else zone_maps(seg, settings, scale, scalp)
    labels, dens, room, base, f, px_per_mm = m.labels, m.density, m.room, m.base, m.factor, m.px_per_mm
    h, w = labels.shape

    depth = np.full((h, w), FAR, np.float32)
    curve = None
    if hairline is not None and settings.treatment in ("full", "hairline", "density"):
        curve = wavy_line(hairline, settings, scale)
        depth = signed_depth(curve, hairline.face_dir, (h, w), f, px_per_mm, reach_mm=depth_reach_mm(settings))

    t = settings.treatment
    if t == "full":
        weight = base
    elif t == "density":
        # Where skin shows between the hairs, as much as it shows; never on dense hair.
        if skin_show is not None:
            show = cv2.resize(np.asarray(skin_show, np.float32), (w, h), interpolation=cv2.INTER_AREA)
        else:
            show = 1.0 - dens
        weight = room * np.clip(show, 0, 1) * (1.0 - np.clip((dens - HAIR_FROM + 0.08) / 0.1, 0, 1))
    elif t == "hairline":
        if hairline is None:
            raise SettingsError("the hairline-only treatment needs a hairline")
        band = settings.hairline_band_mm
        weight = base * np.clip((band - depth) / 6.0, 0, 1)
    elif t == "crown":
        if crown_center is None:
            fr = head_frame(seg.labels != BACKGROUND, hairline.face_dir if hairline else (0.0, 1.0))
            crown_center = fr.to_image([0.0], [-0.3])[0]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r_mm = np.hypot(xx - crown_center[0] * f, yy - crown_center[1] * f) / px_per_mm
        weight = base * np.clip((settings.crown_radius_mm - r_mm) / 10.0 + 0.5, 0, 1)
    elif t == "scar":
        if scar_mask is None or not np.any(scar_mask):
            return Zone(np.zeros((h, w), np.float32), depth, f, None, scar=True,
                        hint="Mark the scar to place pigment on it (the Scar brush in the studio, "
                             "--scar-mask on the command line).")
        m = cv2.resize(np.asarray(scar_mask, np.uint8) * 255, (w, h), interpolation=cv2.INTER_AREA) > 0
        out = cv2.distanceTransform((~m).astype(np.uint8), cv2.DIST_L2, 5) / px_per_mm
        weight = np.clip(1.0 - (out - 1.0) / 2.0, 0, 1).astype(np.float32)  # 1 mm over the edge, fading
    else:  # pragma: no cover - Settings validates the choice
        raise SettingsError(f"unknown treatment {t!r}")
    return Zone(np.ascontiguousarray(weight, np.float32), depth, f, curve, avoid_hair=(t == "density"),
                scar=(t == "scar"))


def wavy_line(hairline: Hairline, settings: Settings, scale: Scale) -> np.ndarray:
    """The line the pigment follows: the artist's curve with the hand's gentle waves (photo pixels, read-only).

    A drag asks for the line before and after each move several times (the zone, the box to
    repaint): the last few are remembered.
    """
    key = (settings.seed, settings.macro_irregularity_mm, settings.macro_wavelength_mm, scale.px_per_mm)
    for line, k, curve in list(_WAVY):
        if line is hairline and k == key:
            return curve
    curve = hairline.irregular_curve(macro_px=scale.mm_to_px(settings.macro_irregularity_mm),
                                     wavelength_px=scale.mm_to_px(settings.macro_wavelength_mm),
                                     rng=np.random.default_rng([settings.seed, 7]))
    curve.flags.writeable = False
    _WAVY.append((hairline, key, curve))
    del _WAVY[:-4]
    return curve


_WAVY: list = []  # (hairline, key, curve), the newest last


def depth_reach_mm(settings: Settings) -> float:
    """How far from the hairline its depth still matters: the transition, the scatter ahead, the
    hairline band and the later sessions' lower lines all end within this."""
    band = settings.hairline_band_mm + 6.0 if settings.treatment == "hairline" else 0.0
    step = settings.hairline_step_mm * settings.sessions
    return max(settings.transition_mm, settings.scatter_mm, band, step) + 5.0


def signed_depth(curve, face_dir, shape, f, px_per_mm, reach_mm: float, box=None) -> np.ndarray:
    """Distance in mm from the line, positive on the side away from the face, held at ``reach_mm``
    beyond it (as far as anything reads it: a fraction of the cost while a point is dragged).

    With ``box`` (x0, y0, x1, y1 in zone pixels), only that part, exactly as in the whole.
    """
    h, w = shape
    c = np.asarray(curve) * f
    bx0, by0, bx1, by1 = box or (0, 0, w, h)
    dist = np.full((by1 - by0, bx1 - bx0), reach_mm, np.float32)
    (x0, y0, x1, y1), line = _line_raster(c, shape, px_per_mm, reach_mm)
    if line is not None:
        # Distances over the box and the reach around it: a line farther than that is held at the
        # reach anyway.
        m = int(np.ceil(reach_mm * px_per_mm)) + 5
        sx0, sy0, sx1, sy1 = max(bx0 - m, x0), max(by0 - m, y0), min(bx1 + m, x1), min(by1 + m, y1)
        ix0, iy0, ix1, iy1 = max(bx0, sx0), max(by0, sy0), min(bx1, sx1), min(by1, sy1)
        if ix1 > ix0 and iy1 > iy0:
            near = cv2.distanceTransform(np.ascontiguousarray(line[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0]),
                                         cv2.DIST_L2, 5) / px_per_mm
            dist[iy0 - by0:iy1 - by0, ix0 - bx0:ix1 - bx0] = np.minimum(near[iy0 - sy0:iy1 - sy0, ix0 - sx0:ix1 - sx0],
                                                                      reach_mm)
    behind = behind_line(c, face_dir, shape)[by0:by1, bx0:bx1]
    return np.where(behind > 0, dist, -dist).astype(np.float32)


def moved_part(before: np.ndarray, after: np.ndarray) -> np.ndarray | None:
    """The samples of two wavy lines around where they differ (both lines', stacked), or None when
    the change is not local (another number of samples, or moved ends); empty when none moved."""
    if before.shape != after.shape or not np.array_equal(before[[0, -1]], after[[0, -1]]):
        return None
    moved = np.flatnonzero(np.any(before != after, axis=1))
    if moved.size == 0:
        return np.zeros((0, 2))
    # The line between the moved samples and their neighbours is what changed.
    lo, hi = max(int(moved[0]) - 1, 0), min(int(moved[-1]) + 2, len(after))
    return np.vstack([before[lo:hi], after[lo:hi]])


def behind_line(c: np.ndarray, face_dir, shape) -> np.ndarray:
    """uint8 (h, w): 1 on the side of the line ``c`` (zone pixels) away from the face."""
    h, w = shape
    fd = np.asarray(face_dir, float)
    across = across_dir(fd)
    far = 4.0 * (h + w)
    # Close the line into the region behind it: run the ends out sideways, then back.
    a, b = c[0], c[-1]
    if (b - a) @ across < 0:
        a, b = b, a
        c = c[::-1]
    poly = np.vstack([a - across * far, c, b + across * far, b + across * far - fd * far, a - across * far - fd * far])
    behind = np.zeros((h, w), np.uint8)
    # Filled whole, never in part: a clipped polygon does not fill its edge pixels quite the same.
    cv2.fillPoly(behind, [np.round(poly * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    return behind


def _line_raster(c: np.ndarray, shape, px_per_mm: float, reach_mm: float):
    """The line ``c`` (zone pixels) drawn as 0 on 255 over the box it reaches: (box, image), or (box, None)."""
    h, w = shape
    r = int(np.ceil(reach_mm * px_per_mm)) + 2
    x0, y0 = max(int(np.floor(c[:, 0].min())) - r, 0), max(int(np.floor(c[:, 1].min())) - r, 0)
    x1, y1 = min(int(np.ceil(c[:, 0].max())) + r + 1, w), min(int(np.ceil(c[:, 1].max())) + r + 1, h)
    if x1 <= x0 or y1 <= y0:
        return (x0, y0, x1, y1), None
    line = np.full((y1 - y0, x1 - x0), 255, np.uint8)
    cv2.polylines(line, [np.round((c - (x0, y0)) * 16).astype(np.int32)], False, 0, 1, cv2.LINE_8, shift=4)
    return (x0, y0, x1, y1), line
