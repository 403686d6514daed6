"""Which way the camera looked: front, top-down, back, left or right.

A face the mesh confirms means a front view (or a side view when it is
turned well away); on the development set that is never wrong, and finds
about 6 front photos in 10. Without one, the layout of skin and hair on the
head decides: a profile has its face skin on one side and its hair on the
other, a back view has hair in the middle and the neck's skin below it,
anything else is taken as top-down; a profile OpenCV's cascade sees (rarely)
is a side view. These hand-set rules are right only about
half the time, so their confidence stays low and the studio should ask.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

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
    >>> bool(f["skin_side"] > 0.3)  # skin on the image-left: a face looking left
    True
    """
    lab = cv2.resize(np.asarray(labels, np.uint8), (LAYOUT_SIZE, LAYOUT_SIZE), interpolation=cv2.INTER_NEAREST)
    skin = (lab == BALD).astype(np.float32)
    hair = (lab > BALD).astype(np.float32)
    n = LAYOUT_SIZE
    mid = slice(n // 4, 7 * n // 8)
    left, right = skin[mid, : n // 2].mean(), skin[mid, n // 2:].mean()
    hl, hr = hair[mid, : n // 2].mean(), hair[mid, n // 2:].mean()
    return {
        # > 0: skin on the image-left and hair on the right (a face looking left).
        "skin_side": float((left - right) - (hl - hr)),
        "skin_middle": float(skin[3 * n // 8: 3 * n // 4, n // 4: 3 * n // 4].mean()),
        "skin_below": float(skin[3 * n // 4:, n // 4: 3 * n // 4].mean()),
        "hair_middle": float(hair[n // 4: 3 * n // 4, n // 4: 3 * n // 4].mean()),
        "head": float((lab != BACKGROUND).mean()),
    }


def decide(features: dict, face: Face | None) -> ViewGuess:
    """The view from layout features and the face (see :func:`classify_view`).

    Examples
    --------
    >>> decide({"skin_side": -0.5, "skin_middle": 0.4, "skin_below": 0.3, "hair_middle": 0.4, "head": 0.7}, None).view
    'right'
    """
    if face is not None:
        if abs(face.yaw) >= SIDE_YAW:
            # Yaw > 0 turns the face toward image-right.
            return ViewGuess("right" if face.yaw > 0 else "left", min(1.0, face.score), face)
        return ViewGuess("front", float(np.clip(0.6 + 0.4 * face.score, 0, 1)), face)
    # Without a face the layout is a weak cue (right about 1 time in 2 on the development
    # set): the confidences say so, and stay below LOW_CONFIDENCE so the studio asks.
    side = features["skin_side"]
    profiles = features.get("profiles", (0, 0))
    if sum(profiles) and abs(side) < SIDE_SKIN:
        # A profile seen by the Haar cascade (rarely, but never on a crown or a back):
        # which way it looks from the skin's side, else from which orientation it matched.
        left = side > 0 if abs(side) > 0.05 else profiles[0] >= profiles[1]
        return ViewGuess("left" if left else "right", 0.55, None)
    if abs(side) > SIDE_SKIN:
        conf = float(np.clip(0.45 + (abs(side) - SIDE_SKIN) * 0.5, 0.45, 0.58))
        return ViewGuess("left" if side > 0 else "right", conf, None)
    # Without a face, a front view is not told from a bald crown seen from above; both keep
    # the outline-based placement, so top-down (the old default) is the safer guess.
    below, hair = features["skin_below"], features["hair_middle"]
    margin = min(below - NECK_SKIN, hair - BACK_HAIR)
    if margin > 0:
        return ViewGuess("back", float(np.clip(0.4 + margin * 0.5, 0.4, 0.55)), None)
    return ViewGuess("topdown", float(np.clip(0.35 - margin * 0.5, 0.35, 0.5)), None)


#: Hand-set thresholds on the layout features (shares of the photo's parts).
SIDE_SKIN = 0.4
NECK_SKIN = 0.1
BACK_HAIR = 0.4


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
        features["profiles"] = profile_hits(rgb)
    return decide(features, face)


def profile_hits(rgb: np.ndarray) -> tuple[int, int]:
    """Profile faces OpenCV's Haar cascade finds as is and mirrored, on thumbnails.

    The cascade was trained on small faces: on a head filling the frame it
    answers only when the photo is shrunk to about a hundred pixels.
    """
    c = _profile_cascade()
    if c is None:
        return (0, 0)
    gray = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2GRAY)
    hits = [0, 0]
    for size in PROFILE_SIZES:
        f = size / max(gray.shape)
        g = cv2.resize(gray, (max(int(gray.shape[1] * f), 1), max(int(gray.shape[0] * f), 1)),
                       interpolation=cv2.INTER_AREA)
        for i, img in enumerate((g, cv2.flip(g, 1))):
            hits[i] += len(c.detectMultiScale(img, 1.05, 3, minSize=(24, 24)))
    return hits[0], hits[1]


PROFILE_SIZES = (100, 140)  # thumbnail long sides the profile cascade is run on


@functools.cache
def _profile_cascade():
    c = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_profileface.xml")
    return None if c.empty() else c



def _small(rgb, size: int = 640):
    f = min(1.0, size / max(rgb.shape[:2]))
    return cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else rgb
