"""The client's face: where it is, its landmarks, its pose and the scale its eyes give.

Runs MediaPipe's face detector, 468-point mesh and iris networks on the CPU
(:mod:`smp_studio.core.analysis.face_models`). A face is reported only when
the mesh network itself confirms it: scalps look like faces to the detector
now and then, and a hairline designed on a crown mistaken for a face would be
absurd. Top-down and back photos normally have no face: ``None`` is normal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.analysis import face_models as fm
from smp_studio.core.analysis.face_checks import MAX_DRIFT, believable, eye_evidence, mesh_drift
from smp_studio.core.errors import SettingsError

#: Mesh indices of the named points (image-left first where there are two).
POINTS = {"glabella": 9, "nasion": 168, "forehead_top": 10, "nose_base": 2, "chin": 152,
          "outer_eye_corners": (33, 263), "inner_eye_corners": (133, 362), "brows_upper": (105, 334)}
#: Mesh points of the face's outline, for a bounding box and the anonymiser.
OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176,
        149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
#: Vertical stretches tried on the photo (a face looking down is foreshortened).
STRETCHES = (1.0, 1.6, 2.2, 3.0)
#: Where a face looking down usually is when the detector frames the whole head instead:
#: (centre y, centre x, box size) as shares of the stretched photo's (padded) height and width,
#: tried on these stretches. On the development fronts (square) the 1.6 and 2.2 stretches found
#: all but one of the faces the 1.0 one found, and crops higher up none the others missed; a
#: photo wider than it is tall (the bench's front) needs the 3.0 one.
SEEDS = tuple((fy, fx, fs) for fy, fs in ((0.55, 0.7), (0.45, 0.7), (0.55, 0.5)) for fx in (0.5, 0.38, 0.62))
SEED_STRETCHES = (1.6, 2.2, 3.0)
ANALYSIS_SIZE = 1024
DETECT_SIZE = 320  # long side the detector's views are cut from (the networks see 192 px at most)


@dataclass(frozen=True)
class Face:
    """A face found on a photo: mesh and iris in photo pixels, and its pose.

    Attributes
    ----------
    landmarks : ndarray (468, 3)
        Mesh points ``(x, y, z)`` in photo pixels; ``z`` (depth, toward the
        camera is negative) in the same pixel units.
    pupils : ndarray (2, 2)
        Iris centres ``(x, y)``, image-left first.
    iris_diameters_px : tuple of float
        Visible iris diameters, image-left first.
    yaw, pitch, roll : float
        Degrees. Yaw > 0: the face turns toward image-right; pitch > 0: it
        looks down; roll > 0: the eye line tilts clockwise in the image.
    score : float
        Confidence (0..1): how firmly the mesh stays on the face when its
        crop moves (the network's own presence score fails on faces looking
        down).

    Examples
    --------
    >>> import numpy as np
    >>> f = Face(np.zeros((468, 3)), np.array([[40.0, 50.0], [100.0, 50.0]]), (7.0, 7.0), 0.0, 0.0, 0.0, 0.9)
    >>> f.interpupillary_px
    60.0
    """

    landmarks: np.ndarray
    pupils: np.ndarray
    iris_diameters_px: tuple
    yaw: float
    pitch: float
    roll: float
    score: float

    def point(self, name: str) -> np.ndarray:
        idx = POINTS[name]
        if isinstance(idx, tuple):
            return self.landmarks[list(idx), :2].copy()
        return self.landmarks[idx, :2].copy()

    @property
    def glabella(self) -> np.ndarray:
        return self.point("glabella")

    @property
    def outer_eye_corners(self) -> np.ndarray:
        return self.point("outer_eye_corners")

    @property
    def inner_eye_corners(self) -> np.ndarray:
        return self.point("inner_eye_corners")

    @property
    def nose_base(self) -> np.ndarray:
        return self.point("nose_base")

    @property
    def chin(self) -> np.ndarray:
        return self.point("chin")

    @property
    def interpupillary_px(self) -> float:
        return float(math.dist(self.pupils[0], self.pupils[1]))

    @property
    def up(self) -> np.ndarray:
        """Unit vector in the image from the chin toward the top of the head."""
        a, b = self.outer_eye_corners
        across = (b - a) / max(float(np.hypot(*(b - a))), 1e-9)
        return np.array([across[1], -across[0]])

    # What the treatable scalp reads (analysis/scalp.py): where the face begins, and its side.
    @property
    def brow_y(self) -> float:
        """Image row of the brows' upper edge: pigment never goes below it."""
        return float(self.point("brows_upper")[:, 1].min())

    @property
    def direction(self) -> tuple:
        """Which way the face lies from the scalp in the image: sideways in a profile, else chinward."""
        if abs(self.yaw) >= 40.0:
            return (1.0 if self.yaw > 0 else -1.0, 0.0)
        u = self.up
        return (float(-u[0]), float(-u[1]))

    def box(self, margin: float = 0.0) -> tuple:
        """``(x, y, w, h)`` around the face outline, grown by ``margin`` of its size."""
        p = self.landmarks[list(OVAL), :2]
        x0, y0 = p.min(0)
        x1, y1 = p.max(0)
        mx, my = (x1 - x0) * margin, (y1 - y0) * margin
        return (float(x0 - mx), float(y0 - my), float(x1 - x0 + 2 * mx), float(y1 - y0 + 2 * my))

    def to_dict(self) -> dict:
        """The named points in photo pixels, for JSON output."""
        r = lambda a: [round(float(v), 1) for v in a]  # noqa: E731
        return {"glabella": r(self.glabella), "outer_eye_corners": [r(p) for p in self.outer_eye_corners],
                "inner_eye_corners": [r(p) for p in self.inner_eye_corners], "pupils": [r(p) for p in self.pupils],
                "nose_base": r(self.nose_base), "chin": r(self.chin),
                "iris_diameters_px": [round(float(d), 2) for d in self.iris_diameters_px],
                "pose": {"yaw": round(self.yaw, 1), "pitch": round(self.pitch, 1), "roll": round(self.roll, 1)},
                "score": round(self.score, 3)}

    def rescaled(self, factor: float) -> "Face":
        """The same face on the photo resized by ``factor``."""
        return Face(self.landmarks * factor, self.pupils * factor,
                    tuple(d * factor for d in self.iris_diameters_px), self.yaw, self.pitch, self.roll, self.score)


def find_face(rgb: np.ndarray, *, detect: bool = True, seeds: bool = True) -> Face | None:
    """The most confident face on a photo, or None.

    Tries the detector on the photo, on its lower part (a head filling the
    frame) and turned a little either way (a tilted head), then on the photo
    stretched upright (a face looking down), and keeps the first candidate
    the mesh network confirms. ``seeds`` (keyword-only) also tries the mesh
    where a face looking down usually is when the detector finds nothing
    there: the costliest part of a search that finds no face, which a caller
    with cheaper evidence that no face is there may skip (or, with
    ``detect=False``, try alone after a search without it).

    Examples
    --------
    >>> import numpy as np
    >>> find_face(np.full((240, 320, 3), 128, np.uint8)) is None
    True
    """
    return search_face(rgb, detect=detect, seeds=seeds).face


@dataclass(frozen=True)
class FaceSearch:
    """The face found (or None) and the mesh network's own best face presence (0..1) over every
    crop the search ran it on: part of a face (looking down too far to fit) when none was confirmed."""

    face: Face | None
    presence: float


def search_face(rgb: np.ndarray, *, detect: bool = True, seeds: bool = True) -> FaceSearch:
    """:func:`find_face`, also giving the mesh network's best face presence over the search.

    Examples
    --------
    >>> import numpy as np
    >>> s = search_face(np.full((240, 320, 3), 128, np.uint8))
    >>> s.face is None, 0.0 <= s.presence < 0.5
    (True, True)
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise SettingsError("find_face needs an RGB uint8 image")
    H, W = rgb.shape[:2]
    f = min(1.0, ANALYSIS_SIZE / max(H, W))
    small = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else rgb
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    best = None
    presence: list[float] = [0.0]
    # A face looking down is foreshortened and cut off at the chin: stretched upright and given
    # room below (black: the mesh crops read it past the edge), the networks see a face they know.
    for stretch in STRETCHES:
        if not detect and not (seeds and stretch in SEED_STRETCHES):
            continue
        img = cv2.resize(small, None, fx=1.0, fy=stretch, interpolation=cv2.INTER_LINEAR) if stretch != 1 else small
        padded = (img.shape[0] + img.shape[0] // 2, img.shape[1])
        tried: list[np.ndarray] = []
        for det in _candidates(img, padded, detect=detect, turns=stretch == 1.0,
                               seeds=seeds and stretch in SEED_STRETCHES):
            found = _mesh_from_detection(img, det, lambda m: eye_evidence(gray, m / [1.0, stretch, 1.0]),
                                         tried, presence)
            if found is None:
                continue
            drift = mesh_drift(img, found, presence)
            if drift > MAX_DRIFT:
                continue
            if best is None or drift < best[1]:
                best = (found / np.array([1.0, stretch, 1.0]), drift)
            if drift < 0.25:
                break
        if best is not None and best[1] < 0.25:
            break
    if best is None:
        return FaceSearch(None, max(presence))
    mesh, drift = best
    pupils, diams = fm.run_iris(small, mesh[:, :2])
    return FaceSearch(_make_face(mesh / f, pupils / f, diams / f, 1.0 - drift), max(presence))


def _candidates(img: np.ndarray, padded: tuple, *, detect: bool = True, turns: bool = True, seeds: bool = True):
    """Detections on the whole photo, on parts of it and turned; each mapped back to the photo.

    ``padded``: the photo's (height, width) with the black below it. ``turns``: also the parts
    and the turned photo (a stretched photo is searched whole: its face looks down, upright).
    ``seeds``: then the places a face looking down usually is.
    """
    k = min(1.0, DETECT_SIZE / max(padded))  # the detector sees 128 px: no need to turn the whole photo
    img = fm.shrunk_padded(img, padded, k) if detect else None
    h, w = (0, 0) if img is None else img.shape[:2]
    views = [(None, 0.0)] if detect else []
    if turns and detect:
        views += [((0, h // 3, w, h), 0.0), ((0, h // 2, w, h), 0.0)]
        views += [(None, a) for a in (25.0, -25.0, 50.0, -50.0)]
    seen = []
    for crop, angle in views:
        sub = img if crop is None else img[crop[1]:crop[3], crop[0]:crop[2]]
        off = np.zeros(2) if crop is None else np.array(crop[:2], float)
        if angle:
            c = (w / 2, h / 2)
            R = cv2.getRotationMatrix2D(c, angle, 1.0)
            sub = cv2.warpAffine(img, R, (w, h), borderMode=cv2.BORDER_REFLECT)
            back = cv2.invertAffineTransform(R)
        for d in fm.detect_faces(sub, min_score=0.4):
            kps = d.keypoints + off
            box = np.array(d.box).reshape(2, 2) + off
            if angle:
                kps = kps @ back[:, :2].T + back[:, 2]
                corners = np.array([[box[0, 0], box[0, 1]], [box[1, 0], box[0, 1]], [box[0, 0], box[1, 1]],
                                    [box[1, 0], box[1, 1]]]) @ back[:, :2].T + back[:, 2]
                box = np.array([corners.mean(0) - (box[1] - box[0]) / 2, corners.mean(0) + (box[1] - box[0]) / 2])
            center = box.mean(0)
            if any(math.dist(center, s) < 0.1 * max(h, w) for s in seen):
                continue
            seen.append(center)
            yield box / k, kps / k
    if not seeds:
        return
    # Seeds where a face looking down usually is, for when the detector frames the head instead.
    h, w = padded
    for fy, fx, fs in SEEDS:
        c = np.array([w * fx, h * fy])
        half = w * fs / 2
        box = np.array([c - half, c + half])
        yield box, np.array([c + [-half / 2, 0], c + [half / 2, 0]])


def _mesh_from_detection(img, det, evidence, tried, presence):
    """The mesh a candidate leads to, or None when its eyes do not look like eyes.

    ``tried`` collects the eye positions already looked at: seeds that lead to
    the same place are not refined twice; ``presence`` the network's presence scores.
    """
    box, kps = det
    center = box.mean(0)
    size = float(max(box[1] - box[0])) * 1.5
    eye0, eye1 = kps[0], kps[1]
    angle = math.atan2(eye1[1] - eye0[1], eye1[0] - eye0[0])
    mesh, p = fm.run_mesh(img, center, size, angle)
    presence.append(p)
    eyes = mesh[[33, 263], :2]
    span = max(math.dist(*eyes), 1.0)
    if any(np.abs(t - eyes).max() < 0.15 * span for t in tried):
        return None
    tried.append(eyes)
    if not believable(mesh, p, evidence):
        return None
    for _ in range(2):  # re-crop on the mesh itself, as MediaPipe's tracker does
        mesh, p = recrop(img, mesh)
        presence.append(p)
    return mesh if believable(mesh, p, evidence) else None


def recrop(img: np.ndarray, mesh: np.ndarray):
    """The mesh network run again on a crop around ``mesh`` (turned with its eye line), as
    MediaPipe's tracker does: the mesh and the network's presence score."""
    xy = mesh[:, :2]
    lo, hi = xy.min(0), xy.max(0)
    a, b = xy[33], xy[263]
    angle = math.atan2(b[1] - a[1], b[0] - a[0])
    R = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    local = (xy - (lo + hi) / 2) @ R.T
    ext = local.max(0) - local.min(0)
    center = (lo + hi) / 2 + ((local.max(0) + local.min(0)) / 2) @ R
    return fm.run_mesh(img, center, float(max(ext)) * 1.5, angle)


def _make_face(mesh, pupils, diams, score) -> Face:
    P = mesh
    x = P[263] - P[33]
    x /= np.linalg.norm(x)
    y = P[152] - P[10]
    y -= x * (y @ x)
    y /= np.linalg.norm(y)
    roll = math.degrees(math.atan2(x[1], x[0]))
    yaw = math.degrees(math.asin(float(np.clip(x[2], -1, 1))))  # the far eye is deeper (z > 0)
    # The forehead-to-chin line leans back ~12 degrees on an upright face looking at the camera.
    pitch = 12.0 - math.degrees(math.atan2(-y[2], y[1]))
    return Face(mesh, pupils, tuple(float(d) for d in diams), yaw, pitch, roll, float(score))
