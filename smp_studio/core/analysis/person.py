"""Where the person is, against the wall, door or curtain behind them.

The head's graph cut separates by colour, so a wall as warm as skin, or a
door as dark as hair, joins the head; the skull fit then reaches over it and
pigment lands on the wall. MediaPipe's selfie segmentation network (Apache-2.0,
shipped in ``resources/models`` beside the face networks and verified the same
way) tells a person from what is behind them by shape as well as colour. It
does not tell the head from the shoulders or the face: both are person.

Without the model (an install that lacks it) nothing is cut: :func:`person_mask`
returns None and the scalp is found as before.
"""

from __future__ import annotations

import hashlib
import threading

import cv2
import numpy as np

from smp_studio.core.analysis import face_models
from smp_studio.core.errors import SmpError

MODEL = face_models.SELFIE
#: The network's square input, in pixels.
SIDE = 256

#: The person network's outline is soft at the scalp's edge: the head is kept this far (share of
#: the grid's long side) beyond it. Where it finds under ``PERSON_SEEN`` of the head, or is unsure
#: (0.2 < p < 0.8) over more than ``PERSON_UNSURE`` of it (on photos of people: under 0.1), it is not heard.
#: Pigment is kept off only where the network gives the person under ``PERSON_NONE``.
PERSON_MARGIN, PERSON_SEEN, PERSON_UNSURE, PERSON_NONE = 0.01, 0.5, 0.2, 0.1


_recent: dict = {}  # the last few images' masks: a brush stroke finds the scalp again on the same photo
_recent_lock = threading.Lock()


def person_mask(rgb) -> np.ndarray | None:
    """How sure the network is that each pixel is the person (0..1), at the image's size.

    Parameters
    ----------
    rgb : ndarray (H, W, 3) of uint8

    Returns
    -------
    ndarray of float32, (H, W), or None
        None when the model is not installed (or cannot be read).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((120, 160, 3), 235, np.uint8)  # a bare white wall: no one there
    >>> m = person_mask(img)
    >>> m is None or bool(m.mean() < 0.5)
    True
    """
    if not (face_models.models_dir() / MODEL).is_file():
        return None
    rgb = np.ascontiguousarray(rgb)
    key = (rgb.shape, hashlib.blake2b(rgb.data, digest_size=16).digest())
    with _recent_lock:
        if key in _recent:
            return _recent[key]
    out = _run_person(rgb)
    with _recent_lock:
        if len(_recent) >= 4:
            _recent.pop(next(iter(_recent)))
        _recent[key] = out
    return out


def _run_person(rgb: np.ndarray) -> np.ndarray | None:
    h, w = rgb.shape[:2]
    # Letterboxed into the square input (black bars), colours in 0..1: a head stretched to a
    # square is no longer a head to the network (a tall close-up of a crown lost the person).
    k = SIDE / max(h, w)
    sw, sh = max(int(round(w * k)), 1), max(int(round(h * k)), 1)
    x0, y0 = (SIDE - sw) // 2, (SIDE - sh) // 2
    x = np.zeros((SIDE, SIDE, 3), np.float32)
    x[y0:y0 + sh, x0:x0 + sw] = cv2.resize(rgb, (sw, sh), interpolation=cv2.INTER_AREA) / 255.0
    try:
        out = face_models._run(MODEL, x.transpose(2, 0, 1)[None])[0]
    except (SmpError, cv2.error):  # damaged, or an OpenCV that cannot read it: as if not installed
        return None
    out = out.reshape(SIDE, SIDE)[y0:y0 + sh, x0:x0 + sw]
    out = np.clip(cv2.resize(out.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR), 0, 1)
    out.setflags(write=False)  # (kept and handed out again: nobody may change it)
    return out


def on_the_person(head, small) -> np.ndarray | None:
    """Where the person is on ``small`` (a photo at the grid of the ``head`` mask), to keep the
    wall, door or curtain the graph cut took in with the head from pigment; None where that is
    not known.

    Not known without a photo or the model, where the network sees hardly any person in the
    head (a close-up of the scalp alone), or is unsure over much of it (not a photo of a person:
    a drawing, a mannequin). Only the scalp is cut with it, never the outline the skull is fit
    on: a sliver off its edge moves a fit on its upper arc by chance.

    Examples
    --------
    >>> head = np.ones((60, 80), bool)
    >>> on_the_person(head, None) is None  # no photo
    True
    """
    person = None if small is None else person_mask(small)
    if person is None or ((person[head] > 0.2) & (person[head] < 0.8)).mean() > PERSON_UNSURE:
        return None
    r = max(int(round(PERSON_MARGIN * max(head.shape))), 1)
    # Only where the network is sure there is no one: it is unsure (p ~ 0.4) over a bright bald
    # crown against a pale wall, and sure (p ~ 0) over a wall.
    near = cv2.dilate((person > PERSON_NONE).astype(np.uint8),
                      cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
    if (head & (near > 0)).sum() < PERSON_SEEN * head.sum():
        return None
    return near > 0
