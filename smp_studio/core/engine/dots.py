"""Place SMP impressions: blue-noise positions with per-dot size and opacity.

Positions are full-resolution photo pixels. The density follows the zone
weight and the hairline transition; each dot keeps a rank ``q`` in [0, 1)
against its local density so that session ``k`` shows exactly the dots with
``q`` below that session's fraction, and those are blue noise too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.engine import bluenoise
from smp_studio.core.engine.dotshape import DirectionField, dot_axes, patch_noise
from smp_studio.core.engine.rows import take_rows
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.zones import BLEND_MAX, FAR, Zone


@dataclass(frozen=True, eq=False)
class Dots:
    """All impressions of the finished treatment (every session).

    Attributes
    ----------
    xy : ndarray float32 (N, 2)
        Centres ``(x, y)`` in photo pixels.
    size_mm : ndarray float32 (N,)
        Healed diameter.
    opacity : ndarray float32 (N,)
        Healed peak opacity before dilution, about 0..1 (a wide dot's fainter when its ink
        does not grow with its area: ``Settings.ink_size_power``).
    q : ndarray float32 (N,)
        Session rank: the dot is placed by session ``k`` if ``q < fraction_k``.
    depth_mm : ndarray float32 (N,)
        Distance behind the hairline (``FAR`` without one).
    satellite : ndarray float32 (N, 3)
        Offset (in radii) and weight of a second lobe that makes the dot irregular
        (or, for a doubled impression, a second deposit beside it).
    shape : ndarray float32 (N, 4), optional
        Major-axis direction ``(ax, ay)`` and the major and minor extents as
        multiples of the radius (skin direction, elongation, foreshortening).
        None: round dots.
    index : ndarray int64 (N,), optional
        Which of the placement's candidates each dot is (in increasing order),
        so a hairline drag can redo the dots near the line alone.
    spread_opacity : ndarray float32 (N,), optional
        The opacity of the dot's soft spread (``Settings.spread_evenness``; None: its own
        ``opacity``).
    """

    xy: np.ndarray
    size_mm: np.ndarray
    opacity: np.ndarray
    q: np.ndarray
    depth_mm: np.ndarray
    satellite: np.ndarray
    shape: np.ndarray | None = None
    index: np.ndarray | None = None
    spread_opacity: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.xy)

    def subset(self, keep: np.ndarray) -> "Dots":
        """The dots ``keep`` picks (a boolean mask or indices)."""
        keep = np.flatnonzero(keep) if keep.dtype == bool else keep
        return Dots(*(None if a is None else take_rows(a, keep) for a in (
            self.xy, self.size_mm, self.opacity, self.q, self.depth_mm, self.satellite, self.shape, self.index,
            self.spread_opacity)))

    def for_session(self, settings: Settings) -> "Dots":
        """The dots placed by the end of ``settings.session``."""
        keep = self._placed_by(settings)
        return self if keep.all() else self.subset(keep)

    def count_for_session(self, settings: Settings) -> int:
        """How many dots are placed by the end of ``settings.session`` (without making them)."""
        return int(np.count_nonzero(self._placed_by(settings)))

    def _placed_by(self, settings: Settings) -> np.ndarray:
        keep = self.q < settings.session_fraction
        off = settings.hairline_offset_mm
        if off > 0:
            keep &= self.depth_mm >= off  # early sessions start higher: no scatter, no front rows
        return keep

    def in_box(self, x0, y0, x1, y1, margin=0.0) -> "Dots":
        p = self.xy
        keep = (p[:, 0] >= x0 - margin) & (p[:, 0] < x1 + margin) & (p[:, 1] >= y0 - margin) & (p[:, 1] < y1 + margin)
        return self.subset(keep)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Every place an impression may go in a box, each with its own random draws."""

    xy: np.ndarray
    rank: np.ndarray  # blue-noise rank: kept where rank < the local density
    patch_d: np.ndarray  # the hand's unevenness in density
    draws: dict  # per candidate: size, opacity, fading, doubling, shape...


def make_candidates(box, settings: Settings, scale: Scale, *, rng=None) -> Candidates:
    """Blue-noise candidates over ``box`` (x0, y0, x1, y1) with every random draw made up front.

    Every candidate draws its own variation before any is dropped: moving the hairline then
    changes the dots near it only, and the rest keep their look while the artist drags.
    """
    rng = np.random.default_rng(settings.seed if rng is None else rng)
    x0, y0, x1, y1 = box
    per_px2 = scale.per_cm2_to_per_px2(settings.placed_density_per_cm2)
    t = bluenoise.tile()
    side = float(np.sqrt(len(t) / per_px2))  # tile side in photo pixels
    theta = rng.uniform(0, 2 * np.pi)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    origin = np.array([x0, y0], float) + rng.uniform(0, side, 2)
    # Tile indices that cover the box in the rotated tile frame.
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], float) - origin
    tc = corners @ rot / side  # into tile units (inverse rotation = transpose)
    i0, j0 = np.floor(tc.min(0)).astype(int)
    i1, j1 = np.ceil(tc.max(0)).astype(int)
    ii, jj = np.meshgrid(np.arange(i0, i1), np.arange(j0, j1))
    cells = np.column_stack([ii.ravel(), jj.ravel()]).astype(float)
    uv = (t[None, :, :2] + cells[:, None, :]).reshape(-1, 2)
    rank = np.tile(t[:, 2], len(cells))
    xy = uv * side @ rot.T + origin
    inside = (xy[:, 0] >= x0) & (xy[:, 0] < x1) & (xy[:, 1] >= y0) & (xy[:, 1] < y1)
    xy, rank = take_rows(xy, inside), rank[inside]
    spacing = 1.0 / np.sqrt(per_px2)
    xy = xy + rng.normal(0, settings.position_jitter * spacing, xy.shape)
    m = len(xy)
    xy_mm = xy / scale.px_per_mm
    # A hand is not a machine: density and darkness wander a little over the scalp.
    patch_d = patch_noise(xy_mm, settings.patch_wavelength_mm, rng)
    patch_o = patch_noise(xy_mm, settings.patch_wavelength_mm, rng)
    v = {
        "size": np.clip(np.exp(rng.normal(0, settings.size_variation, m)), 0.5, 1.4),
        "op": rng.normal(1.0, settings.opacity_variation, m),
        "faded": rng.random(m) < settings.faded_fraction,  # healed faint: pigment lost with the scab
        "fade": rng.uniform(0.15, 0.55, m),
        "ang": rng.uniform(0, 2 * np.pi, m),
        "dist": rng.uniform(0.3, 0.7, m),
        "sat_w": rng.uniform(0.2, 0.55, m),
        "doubled": rng.random(m) < settings.doubled_fraction,  # the needle went in twice, a little apart
        "dbl_dist": rng.uniform(1.4, 2.4, m),
        "dbl_w": rng.uniform(0.35, 0.5, m),
        "uptake": rng.normal(1.0, settings.scar_unevenness, m),
        "elong": rng.gamma(2.0, 0.5, m),
        "turn": rng.uniform(0, np.pi, m),
        "wobble": rng.normal(0, 1, m),
        "patch_o": patch_o,
    }
    return Candidates(xy, rank, patch_d, v)


def place_dots(zone: Zone, settings: Settings, scale: Scale, *, photo_rgb=None, rng=None,
               field: DirectionField | None = None, candidates: "Candidates | None" = None) -> Dots:
    """Blue-noise impressions over a treatment zone.

    Parameters
    ----------
    zone : Zone
    settings : Settings
        Density, dot size, variation, jitter, hairline transition and scatter.
    scale : Scale
    photo_rgb : ndarray (H, W, 3), optional, keyword-only
        Needed when ``zone.avoid_hair``: dots on hair strands are dropped.
    rng : int or Generator, optional, keyword-only
        Default: ``settings.seed``; the same seed gives the same layout.
    field : DirectionField, optional, keyword-only
        Skin direction and foreshortening (see ``dotshape.direction_field``);
        without it dots stretch in random directions.
    candidates : Candidates, optional, keyword-only
        From :func:`make_candidates` for this zone's box (made here if not given): a hairline
        edit reuses them, and only the choice among them is redone.

    Examples
    --------
    >>> from smp_studio.core.engine.zones import Zone
    >>> z = Zone(np.ones((100, 100), np.float32), np.full((100, 100), 1e6, np.float32), 1.0, None)
    >>> d = place_dots(z, Settings(density_per_cm2=100), Scale(10.0), rng=0)
    >>> 80 < len(d) < 120  # 1 cm² at 10 px/mm
    True
    """
    empty = Dots(*(np.zeros((0,) + s, np.float32) for s in ((2,), (), (), (), (), (3,), (4,))))
    if candidates is None:
        box = zone.bbox()
        candidates = make_candidates(box, settings, scale, rng=rng) if box is not None else None
    if candidates is None or len(candidates.xy) == 0:
        return empty
    xy, rank, patch_d, v = candidates.xy, candidates.rank, candidates.patch_d, candidates.draws
    weight = zone.sample(xy, "weight")
    depth = zone.sample(xy, "depth")
    front = transition(depth, settings)
    density = weight * front["density"] * np.clip(1 + 0.6 * settings.patchiness * patch_d, 0.3, 1.6)
    keep = rank < density
    if zone.avoid_hair and photo_rgb is not None:
        keep &= ~_on_hair(photo_rgb, xy, keep, scale)
    index = np.flatnonzero(keep)
    xy, rank, density, depth = take_rows(xy, index), rank[index], density[index], depth[index]
    size_f, op_f = front["size"][index], front["opacity"][index]
    if not (zone.avoid_hair or zone.scar):
        # Where the zone fades out (a nape, a sideburn, the end of a blend into the fringe) its dots
        # fade as a hairline's first ones do, finer and lighter as well as sparser: sparse dots
        # at full strength read as a dotted rim.
        edge = edge_factors(weight[index], settings)
        size_f, op_f = size_f * edge["size"], op_f * edge["opacity"]
    v = {k: take_rows(a, index) for k, a in v.items()}
    if len(xy) == 0:
        return empty
    size = settings.dot_size_mm * size_f * v["size"]
    hand = op_f * (1 + 0.5 * settings.patchiness * v["patch_o"])  # what a dot shares with its neighbours
    if zone.scar:
        # Scar tissue is paler and holds pigment less evenly (shared/domain.md).
        hand = hand * settings.scar_uptake * v["uptake"]
    opacity = np.clip(hand * np.where(v["faded"], v["op"] * v["fade"], v["op"]), 0.05, 1.0)
    # A dot that healed wider than the design's size spread the needle's ink thinner: its ink grows
    # as its size to ``ink_size_power`` (2: with its area), scaled to keep the design's mean ink.
    # With the area, the wide dots' tail (a lognormal twice as wide as the sizes) reads as dark
    # specks that clump where two or three meet: issue 10's "pepper" at arm's length.
    thin, mean_ink = ink_draws(settings)
    if settings.ink_size_power != 2.0:
        opacity = opacity * (thin / np.maximum(v["size"], 1.0) ** (2.0 - settings.ink_size_power))
    # The soft spread greys the skin between dots, for ``spread_evenness`` of it with the ink a dot
    # of this place holds on average, not this dot's own (which its core still shows).
    e = settings.spread_evenness
    spread_opacity = None if e == 0 else (1 - e) * opacity + e * hand * (mean_ink / v["size"] ** 2)
    # A dot the photo's edge would cut in half is not drawn: the zone ends where the scalp does.
    r_px = 0.5 * size * scale.px_per_mm
    H, W = zone.weight.shape[0] / zone.factor, zone.weight.shape[1] / zone.factor
    whole = (xy[:, 0] - r_px >= 0) & (xy[:, 1] - r_px >= 0) & (xy[:, 0] + r_px <= W) & (xy[:, 1] + r_px <= H)
    if not whole.all():
        whole = np.flatnonzero(whole)
        xy, rank, density, depth, size, opacity, index = (take_rows(a, whole) for a in (
            xy, rank, density, depth, size, opacity, index))
        spread_opacity = None if spread_opacity is None else spread_opacity[whole]
        v = {k: take_rows(a, whole) for k, a in v.items()}
    dist = np.where(v["doubled"], v["dbl_dist"], v["dist"])
    sat_w = np.where(v["doubled"], v["dbl_w"], v["sat_w"])
    sat = np.column_stack([dist * np.cos(v["ang"]), dist * np.sin(v["ang"]), sat_w])
    shape = _shapes(xy, settings, field, v["elong"], v["turn"], v["wobble"])
    f32 = np.float32
    return Dots(xy.astype(f32), size.astype(f32), opacity.astype(f32), (rank / density).astype(f32),
                depth.astype(f32), sat.astype(f32), shape, index,
                None if spread_opacity is None else spread_opacity.astype(f32))


@functools.lru_cache(maxsize=64)
def _ink_draws(op_var: float, faded: float, size_var: float, power: float) -> tuple[float, float]:
    rng = np.random.default_rng(0)  # fixed: the same design gives the same dots in any box
    n = 1 << 16
    op = rng.normal(1.0, op_var, n)
    op = np.clip(np.where(rng.random(n) < faded, op * rng.uniform(0.15, 0.55, n), op), 0.05, 1.0)
    size = np.clip(np.exp(rng.normal(0, size_var, n)), 0.5, 1.4)
    ink = op * size * size
    thinned = ink / np.maximum(size, 1.0) ** (2.0 - power)
    return float(ink.mean() / thinned.mean()), float(ink.mean())


def ink_draws(settings: Settings) -> tuple[float, float]:
    """What keeps the design's mean ink when wide dots spread theirs thinner (``ink_size_power``),
    and a dot's mean ink (peak opacity times its size squared, in the design's units) over its
    own random draws (strength, fading, size, as ``place_dots`` draws them).

    >>> k, ink = ink_draws(Settings(ink_size_power=2.0))
    >>> k, ink == ink_draws(Settings(ink_size_power=1.0))[1]
    (1.0, True)
    >>> 1.0 < ink_draws(Settings(ink_size_power=1.0))[0] < 1.2 and 0.7 < ink < 1.2
    True
    """
    return _ink_draws(float(settings.opacity_variation), float(settings.faded_fraction),
                      float(settings.size_variation), float(settings.ink_size_power))


def _shapes(xy, settings: Settings, field: DirectionField | None, elong, turn, wobble) -> np.ndarray:
    """Per-dot axis and extents: stretched along the skin, squashed at the silhouette.

    ``elong``, ``turn`` and ``wobble`` are each dot's own random draws (gamma, uniform 0..pi, normal).
    """
    n = len(xy)
    e = 1.0 + (settings.dot_elongation - 1.0) * elong  # mostly mild, some long
    if field is None:
        direction = np.column_stack([np.cos(turn), np.sin(turn)])
        fore, radial = np.ones(n), direction
    else:
        direction, sure, fore, radial = field.sample(xy)
        # Where the skin gives little direction, dots wander more around it.
        w = wobble * (0.25 + 0.5 * (1 - np.clip(sure, 0, 1)))
        c, s_ = np.cos(w), np.sin(w)
        direction = np.column_stack([c * direction[:, 0] - s_ * direction[:, 1], s_ * direction[:, 0] + c * direction[:, 1]])
    axis, ratio, area = dot_axes(direction, e, fore, radial)
    major = np.sqrt(area * ratio)
    minor = np.sqrt(area / ratio)
    return np.column_stack([axis, major, minor]).astype(np.float32)


#: Zone weight from which a dot is full size and strength: below the blend into hair's own
#: (``zones.BLEND_MAX``), which is a lighter density, not an edge.
EDGE_FULL = 0.5
assert EDGE_FULL < BLEND_MAX


def _eased(s: np.ndarray, settings: Settings) -> dict[str, np.ndarray]:
    """Size and opacity factors from a hairline's first dots' (``s`` = 0) up to 1 (``s`` = 1), smoothly."""
    s = np.clip(np.asarray(s, np.float32), 0, 1)
    s = s * s * (3 - 2 * s)
    return {"size": settings.hairline_size + (1 - settings.hairline_size) * s,
            "opacity": settings.hairline_opacity + (1 - settings.hairline_opacity) * s, "eased": s}


def edge_factors(weight: np.ndarray, settings: Settings) -> dict[str, np.ndarray]:
    """Size and opacity factors of dots where the zone's ``weight`` fades out toward 0.

    A fading edge (a nape, a sideburn, the end of a blend into the fringe) ends as
    a hairline begins: its dots ease from the hairline's first ones'
    (``hairline_size``, ``hairline_opacity``) up to 1 at :data:`EDGE_FULL`.

    >>> f = edge_factors(np.array([0.0, 0.25, 0.5, 1.0]), Settings())
    >>> [round(float(x), 2) for x in f["opacity"]], [round(float(x), 2) for x in f["size"]]
    ([0.6, 0.8, 1.0, 1.0], [0.7, 0.85, 1.0, 1.0])
    """
    return _eased(np.asarray(weight, np.float32) / EDGE_FULL, settings)


def transition(depth_mm: np.ndarray, settings: Settings) -> dict[str, np.ndarray]:
    """Density, size and opacity factors through the hairline transition.

    Behind the line the factors ease from the hairline values up to 1 over
    ``transition_mm``; ahead of it only sparse single dots remain, fading out
    over ``scatter_mm``.
    """
    d = np.asarray(depth_mm, np.float32)
    eased = _eased(d / max(settings.transition_mm, 1e-3), settings)
    dens = settings.hairline_density + (1 - settings.hairline_density) * eased["eased"]
    size, op = eased["size"], eased["opacity"]
    ahead = d < 0
    if settings.scatter_mm > 0:
        fade = np.clip(1 + d / settings.scatter_mm, 0, 1)
    else:
        fade = np.zeros_like(d)
    dens = np.where(ahead, settings.scatter_density * fade, dens)
    dens = np.where(d >= FAR / 2, 1.0, dens)
    return {"density": dens, "size": size, "opacity": op}


def _on_hair(rgb, xy, candidates, scale) -> np.ndarray:
    """Which points sit on a hair strand (dark or light thin structure)."""
    H, W = rgb.shape[:2]
    idx = np.flatnonzero(candidates)
    hit = np.zeros(len(xy), bool)
    if idx.size == 0:
        return hit
    p = take_rows(xy, idx)
    x0, y0 = np.clip(np.floor(p.min(0)).astype(int) - 8, 0, None)
    x1, y1 = np.minimum(np.ceil(p.max(0)).astype(int) + 9, (W, H))
    gray = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    k = max(3, int(round(scale.mm_to_px(0.5))) | 1)
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    strands = cv2.max(cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, ker), cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, ker))
    xi = np.clip(np.round(p[:, 0]).astype(int) - x0, 0, x1 - x0 - 1)
    yi = np.clip(np.round(p[:, 1]).astype(int) - y0, 0, y1 - y0 - 1)
    hit[idx] = strands[yi, xi] > 22  # a strand with real contrast at that very spot
    return hit
