"""MediaPipe's face networks (and its person segmentation), run through OpenCV's DNN module.

The models (Apache-2.0, from the ``mediapipe`` 0.10.21 wheel) ship in
``resources/models`` with their SHA-256 sums; they are verified before loading
and never fetched over the network. This module holds the three networks and
the geometry around them: BlazeFace anchors and box decoding, the rotated
square crops the mesh and iris models expect, and mapping their output back
to photo pixels.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.errors import SmpError

DETECTOR = "face_detection_short_range.tflite"
MESH = "face_landmark.tflite"
IRIS = "iris_landmark.tflite"
#: Person against background (the selfie segmentation; run by analysis/person.py).
SELFIE = "selfie_segmentation.tflite"

#: Mesh indices of the eye corners the iris crops are built on (image-left eye first).
EYE_CORNERS = ((33, 133), (362, 263))


def models_dir():
    from smp_studio.resources import resources_dir

    return resources_dir() / "models"


@functools.cache
def _expected_sums() -> dict:
    path = models_dir() / "SHA256SUMS"
    try:
        lines = path.read_text().splitlines()
    except OSError as e:
        raise SmpError(f"the models' checksums are missing ({path}): reinstall SMP Studio") from e
    return {name.strip(): digest for digest, name in (ln.split(None, 1) for ln in lines if ln.strip())}


_lock = threading.Lock()
_nets: dict = {}


def _net(name: str):
    """The network, loaded once per process after its checksum matched."""
    with _lock:
        if name not in _nets:
            path = models_dir() / name
            try:
                data = path.read_bytes()
            except OSError as e:
                raise SmpError(f"the model {name} is missing ({path}): reinstall SMP Studio") from e
            if hashlib.sha256(data).hexdigest() != _expected_sums().get(name):
                raise SmpError(f"the model {name} is damaged (checksum mismatch): reinstall SMP Studio")
            net = cv2.dnn.readNetFromTFLite(str(path))
            _nets[name] = (net, net.getUnconnectedOutLayersNames())
        return _nets[name]


def _run(name: str, blob: np.ndarray) -> list[np.ndarray]:
    net, outs = _net(name)
    with _lock:  # one net object is not safe to share between threads mid-forward
        net.setInput(blob)
        return [np.asarray(o) for o in net.forward(outs)]


@functools.cache
def _anchors() -> np.ndarray:
    """BlazeFace short-range anchor centres (896, 2), in 0..1 of the 128 px input."""
    out = []
    for grid, per_cell in ((16, 2), (8, 6)):
        ys, xs = np.mgrid[0:grid, 0:grid]
        c = np.stack([(xs + 0.5) / grid, (ys + 0.5) / grid], -1).reshape(-1, 2)
        out.append(np.repeat(c, per_cell, axis=0))
    return np.concatenate(out).astype(np.float64)


@dataclass(frozen=True)
class Detection:
    """A face box and six keypoints (eyes, nose tip, mouth, ears), in photo pixels."""

    score: float
    box: tuple  # x0, y0, x1, y1
    keypoints: np.ndarray  # (6, 2): image-left eye, image-right eye, nose, mouth, ears


#: Parts of a photo the detector reads (x0, y0, x1, y1 as shares) when one look is not enough: it sees
#: 128 px, and a profile filling the frame is found more often on a part of it.
PART_CROPS = ((0.0, 0.0, 1.0, 1.0), (0.0, 0.25, 1.0, 1.0), (0.0, 0.0, 1.0, 0.75), (0.125, 0.125, 0.875, 0.875),
              (0.0, 0.5, 1.0, 1.0))


def best_in_parts(rgb: np.ndarray, *, min_score: float) -> Detection | None:
    """The best face the detector finds on the photo or on one of its :data:`PART_CROPS`, its box
    and keypoints in the photo's pixels (None without any of ``min_score``)."""
    rgb = np.asarray(rgb)
    H, W = rgb.shape[:2]
    best = None
    for x0, y0, x1, y1 in PART_CROPS:
        ox, oy = int(x0 * W), int(y0 * H)
        for d in detect_faces(rgb[oy:int(y1 * H), ox:int(x1 * W)], min_score=min_score):
            if best is None or d.score > best[0].score:
                best = (d, ox, oy)
    if best is None:
        return None
    d, ox, oy = best
    box = (d.box[0] + ox, d.box[1] + oy, d.box[2] + ox, d.box[3] + oy)
    return Detection(d.score, box, np.asarray(d.keypoints, float) + (ox, oy))


def detect_faces(rgb: np.ndarray, *, min_score: float = 0.5) -> list[Detection]:
    """Faces on an RGB image, best first (the photo letterboxed to 128 px)."""
    h, w = rgb.shape[:2]
    side = max(h, w)
    ox, oy = (side - w) // 2, (side - h) // 2
    k = 128 / side
    sw, sh = max(1, round(w * k)), max(1, round(h * k))
    inp = np.zeros((128, 128, 3), np.float32)
    x0, y0 = (128 - sw) // 2, (128 - sh) // 2
    inp[y0:y0 + sh, x0:x0 + sw] = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA)
    inp = inp / 127.5 - 1.0
    inp[:y0], inp[y0 + sh:], inp[:, :x0], inp[:, x0 + sw:] = -1.0, -1.0, -1.0, -1.0
    scores, boxes = _run(DETECTOR, inp.transpose(2, 0, 1)[None])
    scores = 1 / (1 + np.exp(-np.clip(scores.reshape(-1).astype(np.float64), -100, 100)))
    raw = boxes.reshape(-1, 16).astype(np.float64) / 128.0
    keep = np.nonzero(scores >= min_score)[0]
    if keep.size == 0:
        return []
    a = _anchors()[keep]
    r = raw[keep]
    cx, cy = r[:, 0] + a[:, 0], r[:, 1] + a[:, 1]
    bw, bh = r[:, 2], r[:, 3]
    kps = r[:, 4:].reshape(-1, 6, 2) + a[:, None, :]
    boxes01 = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
    order = _weighted_nms(boxes01, scores[keep])
    out = []
    for idx, members in order:
        wts = scores[keep][members][:, None]
        b = (boxes01[members] * wts).sum(0) / wts.sum()
        k = (kps[members] * wts[:, :, None]).sum(0) / wts.sum()
        to_px = lambda p: p * side - np.array([ox, oy])  # noqa: E731
        bb = to_px(b.reshape(2, 2)).reshape(-1)
        out.append(Detection(float(scores[keep][idx]), tuple(float(v) for v in bb), to_px(k)))
    return out


def _weighted_nms(boxes: np.ndarray, scores: np.ndarray, iou: float = 0.3):
    """Groups of overlapping boxes, each led by its best (MediaPipe blends each group)."""
    order = list(np.argsort(-scores))
    groups = []
    while order:
        i = order.pop(0)
        rest = np.array(order, int)
        if rest.size:
            x0 = np.maximum(boxes[i, 0], boxes[rest, 0])
            y0 = np.maximum(boxes[i, 1], boxes[rest, 1])
            x1 = np.minimum(boxes[i, 2], boxes[rest, 2])
            y1 = np.minimum(boxes[i, 3], boxes[rest, 3])
            inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
            area = lambda b: (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])  # noqa: E731
            ov = inter / np.maximum(area(boxes[i]) + area(boxes[rest]) - inter, 1e-9)
            members = [i] + [int(j) for j in rest[ov > iou]]
            order = [j for j in order if j not in members]
        else:
            members = [i]
        groups.append((i, np.array(members)))
    return groups


def shrunk_padded(img: np.ndarray, padded: tuple, k: float) -> np.ndarray:
    """``img`` with black below it to ``padded`` (height, width), resized by ``k`` (INTER_AREA).

    The same pixels as resizing the padded copy whole, for the cost of the photo and a few black
    rows: output rows whose source lies past those are black, and the last two, whose cells the
    cut would shorten, are dropped.
    """
    h = img.shape[0]
    if k >= 1:
        return cv2.copyMakeBorder(img, 0, padded[0] - h, 0, 0, cv2.BORDER_CONSTANT, value=0)
    rows = min(padded[0], h + math.ceil(4 / k))
    part = cv2.copyMakeBorder(img, 0, rows - h, 0, 0, cv2.BORDER_CONSTANT, value=0)
    part = cv2.resize(part, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    out = np.zeros((round(padded[0] * k), part.shape[1], 3), np.uint8)
    keep = part.shape[0] if rows == padded[0] else part.shape[0] - 2
    out[:keep] = part[:keep]
    return out


def percentile(a: np.ndarray, q: float) -> float:
    """``np.percentile(a, q)`` (linear), to the last bit, for a tenth of its overhead on a small patch.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.arange(10, dtype=np.uint8)
    >>> percentile(a, 20) == float(np.percentile(a, 20)), percentile(a, 50)
    (True, 4.5)
    """
    flat = a.reshape(-1)
    at = (flat.size - 1) * (q / 100)  # numpy's virtual index and its interpolation, term for term
    lo = math.floor(at)
    if lo >= flat.size - 1:
        return float(flat.max())
    part = np.partition(flat, (lo, lo + 1))
    a0, b0 = float(part[lo]), float(part[lo + 1])
    t = at - lo
    return b0 - (b0 - a0) * (1 - t) if t >= 0.5 else a0 + (b0 - a0) * t


def crop_rotated(rgb: np.ndarray, center, size: float, angle: float, out: int, *, flip: bool = False):
    """A square of ``size`` px around ``center`` turned by ``angle`` (radians), as ``out`` px.

    Returns the crop and the 2x3 matrix from crop pixels back to the photo.
    """
    c, s = math.cos(angle), math.sin(angle)
    k = size / out
    # crop (u, v) -> photo: centre + R(angle) @ ((u, v) - out/2) * k
    fx = -1.0 if flip else 1.0
    M = np.array([[c * k * fx, -s * k, 0.0], [s * k * fx, c * k, 0.0]])
    M[:, 2] = np.asarray(center, float) - M[:, :2] @ np.array([out / 2, out / 2])
    inv = cv2.invertAffineTransform(M)
    crop = cv2.warpAffine(rgb, inv, (out, out), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return crop, M


def to_photo(M: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return pts @ M[:, :2].T + M[:, 2]


def run_mesh(rgb: np.ndarray, center, size: float, angle: float):
    """468 mesh points (x, y, z) in photo pixels and the face-presence score."""
    crop, M = crop_rotated(rgb, center, size, angle, 192)
    flag, lm = _run(MESH, (crop.astype(np.float32) / 255.0).transpose(2, 0, 1)[None])
    lm = lm.reshape(468, 3).astype(np.float64)
    xy = to_photo(M, lm[:, :2])
    z = lm[:, 2] * size / 192.0
    presence = float(1 / (1 + np.exp(-float(np.clip(flag.reshape(-1)[0], -100, 100)))))
    return np.column_stack([xy, z]), presence


def run_iris(rgb: np.ndarray, mesh_xy: np.ndarray):
    """Iris centres (2, 2) and diameters in px (2,), image-left eye first."""
    centers, diams = [], []
    for i, (a, b) in enumerate(EYE_CORNERS):
        p, q = mesh_xy[a], mesh_xy[b]
        flip = i == 1  # the model was trained on one eye; the other is mirrored into it
        ang = math.atan2(q[1] - p[1], q[0] - p[0])
        size = max(math.dist(p, q) * 2.3, 4.0)
        crop, M = crop_rotated(rgb, (p + q) / 2, size, ang, 64, flip=flip)
        _, iris = _run(IRIS, (crop.astype(np.float32) / 255.0).transpose(2, 0, 1)[None])
        pts = to_photo(M, iris.reshape(5, 3)[:, :2].astype(np.float64))
        centers.append(pts[0])
        diams.append((math.dist(pts[1], pts[3]) + math.dist(pts[2], pts[4])) / 2)
    return np.array(centers), np.array(diams)

