"""Whether a fitted face mesh is a face: the tests a candidate passes before it is believed.

The mesh network draws a face wherever it is pointed, on hair and forehead
skin too, and its own presence score fails on faces looking down. So a mesh
is believed when it is plausible in shape, its eyes are darker than the skin
around them, and it stays on the features when the crop moves.
"""

from __future__ import annotations

import math

import numpy as np

from smp_studio.core.analysis import face_models as fm

#: How much darker the eyes must be than the skin around them for a mesh to be believed.
MIN_EVIDENCE = 0.15
#: Closed eyes on a flushed face are hardly darker than the skin around them: when the mesh
#: network is itself this sure of a face there, this much darker is enough (the drift test
#: still follows). On the development set it found one more front of 93 (a closed-eyed, red
#: face, whose forehead was inked to the brows) and a profile, and no face on 186 top-downs
#: and backs.
SURE_PRESENCE, WEAK_EVIDENCE = 0.9, 0.05
EYE_PERCENTILE = 20
#: How far the mesh may follow a shifted crop (as a share of the shift) and still be a face.
MAX_DRIFT = 0.32
STABILITY_SHIFT = 0.12  # of the crop, for the drift test


def believable(mesh: np.ndarray, presence: float, evidence) -> bool:
    """A plausible mesh whose eyes are darker than the skin around them (a little, when the
    network is sure of the face: ``presence``)."""
    if not plausible(mesh):
        return False
    e = evidence(mesh)
    return e >= MIN_EVIDENCE or (presence >= SURE_PRESENCE and e >= WEAK_EVIDENCE)


def plausible(mesh: np.ndarray) -> bool:
    """A mesh with eyes apart, above the nose and the chin (not a collapsed fit on hair)."""
    xy = mesh[:, :2]
    eyes = math.dist(xy[33], xy[263])
    if eyes < 8:
        return False
    up = up_of(xy)
    return bool((xy[33] - xy[152]) @ up > 0.8 * eyes and (xy[168] - xy[2]) @ up > 0.15 * eyes)


def mesh_drift(img: np.ndarray, mesh: np.ndarray, presence: list) -> float:
    """How far the eyes and nose move when the crop moves, as a share of the move.

    On a real face the network stays on the features (near 0); on hair or
    skin it draws a face wherever the crop is (near 1).
    """
    xy = mesh[:, :2]
    lo, hi = xy.min(0), xy.max(0)
    size = float(max(hi - lo)) * 1.5
    a, b = xy[33], xy[263]
    angle = math.atan2(b[1] - a[1], b[0] - a[0])
    idx = [33, 263, 133, 362, 1, 168]
    out = []
    for d in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        shift = np.array(d, float) * STABILITY_SHIFT * size
        moved, p = fm.run_mesh(img, (lo + hi) / 2 + shift, size, angle)
        presence.append(p)
        out.append(np.mean(np.hypot(*(moved[idx, :2] - xy[idx]).T)) / (STABILITY_SHIFT * size))
    return float(np.mean(out))


def eye_evidence(gray: np.ndarray, mesh: np.ndarray) -> float:
    """How much darker the eyes are than the forehead and cheeks (0: not at all).

    The mesh network's own presence score is unreliable on faces looking
    down (it is trained on faces seen head-on), and a mesh fitted to hair or
    forehead has "eyes" as light as the skin around them.
    """
    xy = mesh[:, :2]
    r = max(2, int(math.dist(xy[33], xy[263]) * 0.05))
    H, W = gray.shape

    def lum(p, q=50, k=1):
        x, y = int(round(p[0])), int(round(p[1]))
        if not (0 <= x < W and 0 <= y < H):
            return None
        return fm.percentile(gray[max(y - k * r, 0):y + k * r + 1, max(x - k * r, 0):x + k * r + 1], q)

    # The darkest fifth around each eye: the pupil, or the lashes of a closed eye.
    eyes = [lum((xy[a] + xy[b]) / 2, EYE_PERCENTILE, 2) for a, b in fm.EYE_CORNERS]
    skin = [lum(xy[i]) for i in (151, 50, 280, 6)]
    eyes = [v for v in eyes if v is not None]
    skin = [v for v in skin if v is not None]
    if len(eyes) < 2 or len(skin) < 2:
        return 0.0
    # Every patch of skin around the eyes (but one, which may be in shadow) is lighter than both eyes.
    ref = float(sorted(skin)[1])
    return (ref - max(eyes)) / max(ref, 1.0)


def up_of(xy):
    """The face's up in the photo, square to the line through the eye corners."""
    a, b = xy[33], xy[263]
    across = (b - a) / max(float(np.hypot(*(b - a))), 1e-9)
    return np.array([across[1], -across[0]])
