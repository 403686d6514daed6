"""The hairline: an editable smooth curve through control points.

A :class:`Hairline` is plain data (control points in image pixels plus the
direction the face lies in), with pure hit tests and edit operations that
return new hairlines, so any editor can keep them on an undo stack.
Templates are placed on the head by :mod:`smp_studio.core.analysis.head`; irregularity is added on top,
reproducibly from a seed, and never changes the control points themselves.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace

import numpy as np

from smp_studio.core.errors import SettingsError

#: More control points than an artist would ever place by hand; a file with more is refused
#: (each point costs work on every render).
MAX_POINTS = 500
#: Control points farther than this from the photo's origin are not on any photo.
MAX_COORD = 1e6

@dataclass(frozen=True)
class Hairline:
    """Control points of the hairline and which way the face is.

    Parameters
    ----------
    points : ndarray (N, 2) of float
        Control points ``(x, y)`` in image pixels, in order along the line.
    face_dir : tuple of float
        Unit vector from the treated scalp toward the face (the side of the
        line that is *not* treated). ``(0, 1)``: the face is down in the image.
    style : str
        The template it came from (informative).

    Examples
    --------
    >>> h = Hairline(np.array([[0.0, 10.0], [50.0, 20.0], [100.0, 10.0]]))
    >>> h.nearest_point((49, 21), radius=5)
    1
    >>> h.insert_point(0, (25.0, 16.0)).points.shape
    (4, 2)
    """

    points: np.ndarray
    face_dir: tuple = (0.0, 1.0)
    style: str = "custom"
    extras: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        try:
            pts = np.asarray(self.points, dtype=np.float64).reshape(-1, 2)
        except (TypeError, ValueError):
            raise SettingsError("hairline control points must be (x, y) number pairs") from None
        if len(pts) < 2:
            raise SettingsError("a hairline needs at least 2 control points")
        if not np.isfinite(pts).all():
            raise SettingsError("hairline control points must be finite numbers")
        if np.abs(pts).max() > MAX_COORD:
            raise SettingsError(f"a hairline control point lies {np.abs(pts).max():.3g} px away, off any photo")
        object.__setattr__(self, "points", pts)
        try:
            fx, fy = map(float, self.face_dir)
        except (TypeError, ValueError):
            raise SettingsError(f"the face direction of a hairline must be two numbers, not {self.face_dir!r}"[:200]) from None
        n = math.hypot(fx, fy)
        if n == 0 or not math.isfinite(n):
            raise SettingsError("the face direction of a hairline must be a non-zero vector")
        object.__setattr__(self, "face_dir", (fx / n, fy / n))

    # --- geometry -----------------------------------------------------------
    def curve(self, samples_per_segment: int = 24) -> np.ndarray:
        """The smooth curve through the control points, (M, 2) ``(x, y)``.

        Centripetal Catmull-Rom: passes through every point, never loops or
        overshoots at sharp corners.
        """
        return catmull_rom(self.points, samples_per_segment)

    def nearest_point(self, xy, radius: float) -> int | None:
        """Index of the control point within ``radius`` pixels of ``xy``, or None."""
        d = np.hypot(*(self.points - np.asarray(xy, float)).T)
        i = int(np.argmin(d))
        return i if d[i] <= radius else None

    def nearest_segment(self, xy, radius: float) -> int | None:
        """Index ``i`` of the curve segment between points i and i+1 near ``xy``."""
        p = np.asarray(xy, float)
        best, best_d = None, radius
        for i in range(len(self.points) - 1):
            seg = catmull_rom(self.points, 16, only_segment=i)
            d = float(np.min(_dist_to_polyline(p, seg)))
            if d <= best_d:
                best, best_d = i, d
        return best

    # --- edits (each returns a new Hairline) ----------------------------------
    def move_point(self, i: int, xy) -> "Hairline":
        pts = self.points.copy()
        pts[i] = xy
        return replace(self, points=pts)

    def insert_point(self, segment: int, xy) -> "Hairline":
        """Insert a control point at ``xy`` after point ``segment``."""
        pts = np.insert(self.points, segment + 1, np.asarray(xy, float), axis=0)
        return replace(self, points=pts)

    def delete_point(self, i: int) -> "Hairline":
        if len(self.points) <= 2:
            raise SettingsError("a hairline keeps at least 2 control points")
        return replace(self, points=np.delete(self.points, i, axis=0))

    def mirrored(self, axis_point, *, keep: str = "left", asymmetry_px: float = 0.0, rng=None,
                 merge_px: float | None = None) -> "Hairline":
        """Make the line symmetric about the head's midline.

        The half on the ``keep`` side (in the across-head direction) is
        reflected onto the other side; ``asymmetry_px`` adds a small natural
        difference (up to ~2 mm looks natural) to the reflected half. A point
        within ``merge_px`` of the midline (default: a quarter of the kept
        points' spacing) is the line's centre: it is put on the midline and
        kept once, so it never leaves a second handle on top of itself.

        Examples
        --------
        >>> h = Hairline(np.array([[0.0, 10.0], [97.0, 0.0], [160.0, 5.0], [200.0, 10.0]]))
        >>> h.mirrored((100.0, 0.0)).points[:, 0].tolist()
        [0.0, 100.0, 200.0]
        """
        f = np.array(self.face_dir)
        across = across_dir(f)
        c = np.asarray(axis_point, float)
        u = (self.points - c) @ across
        v = (self.points - c) @ f
        sign = -1.0 if keep == "left" else 1.0
        if merge_px is None:
            kept_u = np.sort(u[sign * u >= 0])
            gaps = np.diff(kept_u)
            merge_px = 0.25 * float(np.median(gaps)) if len(gaps) else 1.0
        merge_px = max(float(merge_px), 1e-6)
        near = np.abs(u) < merge_px
        side = (sign * u >= 0) & ~near
        centre = np.flatnonzero(near)
        if side.sum() == 0:
            return self
        ku, kv = u[side], v[side]
        ref_u, ref_v = -ku, kv.copy()
        if asymmetry_px:
            rng = np.random.default_rng(rng)
            ref_v = ref_v + rng.uniform(-asymmetry_px, asymmetry_px, ref_v.shape)
        mid_u, mid_v = np.zeros(0), np.zeros(0)
        if len(centre):
            # one centre point, on the midline, at the height of the one nearest it
            j = centre[np.argmin(np.abs(u[centre]))]
            mid_u, mid_v = np.zeros(1), v[j:j + 1]
        all_u = np.concatenate([ku, mid_u, ref_u])
        all_v = np.concatenate([kv, mid_v, ref_v])
        order = np.argsort(all_u)
        pts = c + np.outer(all_u[order], across) + np.outer(all_v[order], f)
        return replace(self, points=pts)

    # --- irregularity ------------------------------------------------------------
    def irregular_curve(self, *, macro_px: float, wavelength_px: float, rng=None,
                        samples_per_segment: int = 24) -> np.ndarray:
        """The curve with gentle waves (macro-irregularity) along its normal.

        Smooth random waves of amplitude ``macro_px`` and about
        ``wavelength_px`` between crests, reproducible from ``rng``.
        """
        c = self.curve(samples_per_segment)
        if macro_px <= 0 or len(c) < 3:
            return c
        key = int(np.random.default_rng(rng).integers(1, 2**62))
        wl = max(wavelength_px, 1.0)
        n_seg = len(self.points) - 1
        sps = (len(c) - 1) // n_seg
        # Each segment between two control points carries its own waves, pinned at the points:
        # dragging a point changes the line near it only (and so only that part of the render),
        # never the waves along the rest of the line. Lengths are summed segment by segment and
        # from each end, so an unchanged part computes to the very same numbers.
        step = np.hypot(*np.diff(c, axis=0).T).reshape(n_seg, sps)
        run = np.cumsum(step, axis=1)
        length = run[:, -1]
        local = np.concatenate([np.zeros((n_seg, 1)), run[:, :-1]], axis=1).ravel()
        seg = np.repeat(np.arange(n_seg), sps)
        local, seg = np.append(local, length[-1]), np.append(seg, n_seg - 1)
        n = np.maximum(np.round(length / wl), 1).astype(np.int64)
        u = local / np.maximum(length[seg], 1e-9) * n[seg]
        k = np.minimum(np.floor(u), n[seg] - 1).astype(np.int64)
        ease = (1 - np.cos(np.pi * np.clip(u - k, 0, 1))) / 2
        v0, v1 = _knots(key, seg, k, n[seg]), _knots(key, seg, k + 1, n[seg])
        off = (v0 + (v1 - v0) * ease) * macro_px
        # The ends stay where the artist put them: the temples are placed, not waved, and an
        # edit in the middle of the line can then never move them.
        flat = step.ravel()
        from_start = np.concatenate([[0.0], np.cumsum(flat)])
        from_end = np.concatenate([np.cumsum(flat[::-1])[::-1], [0.0]])
        end = np.clip(np.minimum(from_start, from_end) / wl, 0, 1)
        off = off * end * end * (3 - 2 * end)
        tang = np.gradient(c, axis=0)
        tang /= np.maximum(np.hypot(*tang.T), 1e-9)[:, None]
        normal = np.stack([-tang[:, 1], tang[:, 0]], axis=1)
        return c + normal * off[:, None]

    # --- serialisation ----------------------------------------------------------
    def to_dict(self) -> dict:
        d = dict(self.extras)
        d.update({"points": self.points.tolist(),  # exact: a saved line reproduces the image
                  "face_dir": list(self.face_dir), "style": self.style})
        return d

    @classmethod
    def from_dict(cls, d) -> "Hairline":
        if not isinstance(d, dict) or "points" not in d:
            raise SettingsError('a hairline must be a JSON object with "points": [[x, y], ...]')
        pts = d["points"]
        if isinstance(pts, list) and len(pts) > MAX_POINTS:
            raise SettingsError(f"a hairline of {len(pts)} control points is more than anyone draws "
                                f"(at most {MAX_POINTS})")
        if not isinstance(pts, list) or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 and all(_is_number(v) for v in p) for p in pts
        ):
            raise SettingsError('hairline "points" must be a list of [x, y] number pairs')
        face = d.get("face_dir", [0.0, 1.0])
        if not (isinstance(face, (list, tuple)) and len(face) == 2 and all(_is_number(v) for v in face)):
            raise SettingsError('hairline "face_dir" must be two numbers [dx, dy]')
        extras = {k: v for k, v in d.items() if k not in ("points", "face_dir", "style")}
        return cls(np.array(pts, float), tuple(face), str(d.get("style", "custom")), extras)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Hairline":
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise SettingsError(f"the hairline file is not valid JSON ({e.msg}, line {e.lineno})") from None
        return cls.from_dict(d)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _knots(key: int, seg: np.ndarray, k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Wave heights (-1..1) at knot ``k`` of ``n`` in segment ``seg``: a knot on a control point is
    shared by the segments on either side, the others belong to their segment alone."""
    node = k == 0
    last = k >= n
    a = np.where(node | last, 0, seg + 1).astype(np.uint64)
    b = np.where(node, seg, np.where(last, seg + 1, k)).astype(np.uint64)
    return _hash01(key, a, b) * 2.0 - 1.0


def _hash01(key: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Uniform 0..1 from integers, the same on every machine (splitmix64 finaliser)."""
    with np.errstate(over="ignore"):
        x = np.uint64(key) ^ (a * np.uint64(0x9E3779B97F4A7C15)) ^ (b * np.uint64(0xC2B2AE3D27D4EB4F))
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(2**53)


def across_dir(face_dir) -> np.ndarray:
    """Unit vector across the head: image-right when the face is down the image."""
    f = np.asarray(face_dir, float)
    return np.array([f[1], -f[0]])


def catmull_rom(points, samples_per_segment: int = 24, *, only_segment: int | None = None) -> np.ndarray:
    """Centripetal Catmull-Rom spline through ``points`` (N, 2); open, ends clamped.

    Every segment is evaluated at once (a drag redraws the curve several times a frame).

    >>> c = catmull_rom(np.array([[0.0, 0.0], [10.0, 5.0], [20.0, 0.0]]), 4)
    >>> c.shape, c[0].tolist(), c[4].tolist(), c[-1].tolist()  # through every point
    ((9, 2), [0.0, 0.0], [10.0, 5.0], [20.0, 0.0])
    """
    p = np.asarray(points, float)
    n = samples_per_segment
    if len(p) == 2:
        t = np.linspace(0, 1, n + 1)[:, None]
        return p[0] * (1 - t) + p[1] * t
    ext = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    segs = np.arange(len(p) - 1) if only_segment is None else np.array([only_segment])
    P0, P1, P2, P3 = (ext[segs + k][:, None, :] for k in range(4))  # (segments, 1, 2)
    chord = np.maximum(np.power(np.hypot(*(ext[1:] - ext[:-1]).T), 0.5), 1e-6)  # centripetal knots
    t0 = np.zeros(len(segs))
    t1 = t0 + chord[segs]
    t2 = t1 + chord[segs + 1]
    t3 = t2 + chord[segs + 2]
    t = np.linspace(t1, t2, n + 1, axis=1)[:, :, None]  # (segments, n + 1, 1)
    t0, t1, t2, t3 = (v[:, None, None] for v in (t0, t1, t2, t3))
    A1 = (t1 - t) / (t1 - t0) * P0 + (t - t0) / (t1 - t0) * P1
    A2 = (t2 - t) / (t2 - t1) * P1 + (t - t1) / (t2 - t1) * P2
    A3 = (t3 - t) / (t3 - t2) * P2 + (t - t2) / (t3 - t2) * P3
    B1 = (t2 - t) / (t2 - t0) * A1 + (t - t0) / (t2 - t0) * A2
    B2 = (t3 - t) / (t3 - t1) * A2 + (t - t1) / (t3 - t1) * A3
    seg = (t2 - t) / (t2 - t1) * B1 + (t - t1) / (t2 - t1) * B2
    # Through the control points exactly (not to the last bit): a segment's ends do not
    # move when a neighbour does.
    seg[:, 0], seg[:, -1] = P1[:, 0], P2[:, 0]
    if only_segment is not None:
        return seg[0]
    # Each segment's end is the next one's start: kept once, at the very end only.
    return np.vstack([seg[:-1, :-1].reshape(-1, 2), seg[-1]])


def _dist_to_polyline(p, poly) -> np.ndarray:
    a, b = poly[:-1], poly[1:]
    ab = b - a
    t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-12), 0, 1)
    proj = a + ab * t[:, None]
    return np.hypot(*(p - proj).T)
