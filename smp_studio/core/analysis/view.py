"""Which way the camera looked: front, top-down, back, left or right.

Three cues, in order, all hand-set (nothing is fitted to photos):

1. A face the mesh confirms (:func:`~smp_studio.core.analysis.face.find_face`)
   means a front view, or a side view when it is turned well away. On the
   development set (465 photos, 93 per view) this is wrong once in 56, and
   finds 59 % of the front photos: the others look down so far that only
   the forehead and brows show, and nothing here tells them from a bald crown.
2. Without one, the mesh network's face-presence score on a grid of turned
   crops (:func:`face_presence`) finds profiles and three-quarter views: it
   answers on 173 photos, 161 of them side views. Which side: the hair lies
   on the back of the head, away from the nose (right 9 times in 10).
3. Otherwise hair across the middle with little skin there is a back view,
   anything else top-down; right about 2 times in 3.

Measured with ``tools/eval_view.py`` on the development set: front 59 %,
top-down 63 %, back 75 %, left 82 %, right 78 % (72 % overall; 57 % for the
layout rules before). Confidence is honest: guesses at or above
:data:`LOW_CONFIDENCE` (46 % of photos) are right 93 % of the time; the studio
asks about the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.analysis import face_models as fm
from smp_studio.core.analysis.face import Face, find_face
from smp_studio.core.analysis.segmentation import BACKGROUND, BALD, segment

VIEW_NAMES = ("front", "topdown", "back", "left", "right")
#: Below this confidence the studio should ask rather than trust the guess.
LOW_CONFIDENCE = 0.6
#: Yaw (degrees) beyond which a face seen by the mesh counts as a side view.
SIDE_YAW = 40.0
LAYOUT_SIZE = 64  # the skin/hair layout is read on a grid this many cells across


@dataclass(frozen=True)
class ViewGuess:
    """The detected view, how sure it is (0..1), and the face if one was found."""

    view: str
    confidence: float
    face: Face | None = None

    @property
    def uncertain(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


def layout_features(labels: np.ndarray) -> dict:
    """Shares of skin and hair in parts of the photo, from segmentation labels.

    Examples
    --------
    >>> import numpy as np
    >>> lab = np.zeros((64, 64), np.uint8); lab[16:56, 4:30] = 1; lab[8:40, 34:60] = 3
    >>> f = layout_features(lab)
    >>> bool(f["skin_side"] > 0.3), bool(f["hair_side"] > 0.3)  # skin on the image-left: a face looking left
    (True, True)
    """
    lab = cv2.resize(np.asarray(labels, np.uint8), (LAYOUT_SIZE, LAYOUT_SIZE), interpolation=cv2.INTER_NEAREST)
    skin = (lab == BALD).astype(np.float32)
    hair = (lab > BALD).astype(np.float32)
    n = LAYOUT_SIZE
    mid = slice(n // 4, 7 * n // 8)
    left, right = skin[mid, : n // 2].mean(), skin[mid, n // 2:].mean()
    hl, hr = hair[mid, : n // 2].mean(), hair[mid, n // 2:].mean()
    # Where the hair lies across the head from the skin, above the chin: in a profile the
    # hair is on the back of the head, the skin (forehead, cheek) toward the nose.
    band = lab[n // 8: 3 * n // 4]
    xs = np.broadcast_to(np.arange(n, dtype=np.float32), band.shape)
    on_skin, on_hair = band == BALD, band > BALD
    hair_side = (float((xs[on_hair].mean() - xs[on_skin].mean()) / n)
                 if on_skin.sum() >= 5 and on_hair.sum() >= 5 else 0.0)
    return {
        # > 0: hair to the image-right of the skin (a face looking left).
        "hair_side": hair_side,
        # > 0: skin on the image-left and hair on the right (a face looking left).
        "skin_side": float((left - right) - (hl - hr)),
        "skin_middle": float(skin[3 * n // 8: 3 * n // 4, n // 4: 3 * n // 4].mean()),
        "skin_below": float(skin[3 * n // 4:, n // 4: 3 * n // 4].mean()),
        "hair_middle": float(hair[n // 4: 3 * n // 4, n // 4: 3 * n // 4].mean()),
        "head": float((lab != BACKGROUND).mean()),
    }


def decide(features: dict, face: Face | None) -> ViewGuess:
    """The view from layout features, the mesh's face presence and the face (see :func:`classify_view`).

    Examples
    --------
    >>> decide({"hair_side": -0.2, "skin_middle": 0.4, "hair_middle": 0.4, "presence": 0.95, "lean": -0.5}, None).view
    'right'
    """
    if face is not None:
        if abs(face.yaw) >= SIDE_YAW:
            # Yaw > 0 turns the face toward image-right.
            return ViewGuess("right" if face.yaw > 0 else "left", min(1.0, face.score), face)
        return ViewGuess("front", float(np.clip(0.6 + 0.4 * face.score, 0, 1)), face)
    presence = features.get("presence", 0.0)
    if presence > SIDE_PRESENCE:
        # Part of a face the mesh network believes in, but no face that looks at the camera:
        # a profile or a three-quarter view. Which way it looks: the hair lies on the back of
        # the head, away from the nose; the crops the network liked best are turned the way
        # a profile leans (a weaker cue, only a tie-breaker).
        side = features["hair_side"] + LEAN_WEIGHT * features.get("lean", 0.0)
        sure = 0.95 if presence > 0.9 else 0.8
        conf = sure * float(np.clip(0.55 + abs(side) * 3.0, 0.55, 0.97))
        return ViewGuess("left" if side > 0 else "right", conf, None)
    # No face at all: top-down or back (a front view whose eyes the mesh cannot find is
    # told from a bald crown by nothing here; both keep the outline-based placement).
    # Hair across the middle and little skin there is the back of a head; the confidences
    # stay below LOW_CONFIDENCE, as these guesses are right about 2 times in 3.
    hair, skin = features["hair_middle"], features["skin_middle"]
    margin = min(hair - BACK_HAIR, NECK_SKIN - skin)
    if margin > 0:
        return ViewGuess("back", float(np.clip(0.45 + margin * 0.3, 0.45, 0.55)), None)
    return ViewGuess("topdown", float(np.clip(0.4 - margin * 0.2, 0.4, 0.5)), None)


#: Hand-set thresholds on the layout features (shares of the photo's parts).
BACK_HAIR = 0.4  # hair over this share of the middle ...
NECK_SKIN = 0.5  # ... and skin under this share: the back of the head
#: The mesh network's face-presence score above which part of a face is seen (0..1).
SIDE_PRESENCE = 0.5
LEAN_WEIGHT = 0.05


def classify_view(rgb: np.ndarray, *, face: Face | None = ..., labels: np.ndarray | None = None) -> ViewGuess:
    """Which way the camera looked at the head.

    Parameters
    ----------
    rgb : ndarray (H, W, 3) uint8
    face : Face or None, keyword-only
        When already looked for (default: looked for here).
    labels : ndarray, keyword-only
        Segmentation labels (default: segmented here, faces included).

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> classify_view(load_photo(sample_photo("front-norwood4-hairline.jpg")).rgb).view
    'front'
    """
    if face is ...:
        face = find_face(rgb)
    if labels is None:
        small = _small(rgb)
        labels = segment(small, face_exclude=False).labels
    features = layout_features(labels)
    if face is None:
        features["presence"], features["lean"] = face_presence(_small(rgb, SCAN_SIZE))
    return decide(features, face)


#: Where the mesh network looks for part of a face: square crops of these shares of the
#: photo's short side, centred on a 3 x 3 grid, turned by these angles (degrees).
SCAN_SIZES = (0.45, 0.7)
SCAN_ANGLES = (0.0, 30.0, -30.0, 60.0, -60.0)
SCAN_X = (0.3, 0.5, 0.7)
SCAN_Y = (0.35, 0.55, 0.75)
SCAN_SIZE = 640  # long side of the photo the scan reads


def face_presence(rgb: np.ndarray) -> tuple[float, float]:
    """How sure the mesh network is that part of a face is on the photo, and which way it leans.

    The face detector looks for faces that look at the camera; the mesh
    network's presence score also answers to profiles and three-quarter
    views, and (on the development set) almost never to a crown or the back
    of a head. Returns the best presence (0..1) and the lean: the
    presence-weighted sign of the turn of the crops it liked (> 0 as a
    profile looking to image-left usually is: its forehead-to-chin line leans).

    Examples
    --------
    >>> import numpy as np
    >>> face_presence(np.full((200, 200, 3), 120, np.uint8))[0] < 0.5
    True
    """
    rgb = np.asarray(rgb)
    H, W = rgb.shape[:2]
    side = min(H, W)
    best, weights, signs = 0.0, [], []
    for angle in SCAN_ANGLES:
        for size in SCAN_SIZES:
            for cy in SCAN_Y:
                for cx in SCAN_X:
                    _, p = fm.run_mesh(rgb, (cx * W, cy * H), size * side, np.radians(angle))
                    best = max(best, p)
                    if p > 0.3 and angle:
                        weights.append(p)
                        signs.append(np.sign(angle))
    lean = float(np.dot(weights, signs) / sum(weights)) if weights else 0.0
    return float(best), lean


def _small(rgb, size: int = 640):
    f = min(1.0, size / max(rgb.shape[:2]))
    return cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else rgb
