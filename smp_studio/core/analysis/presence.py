"""Whether the mesh network sees part of a face anywhere on a photo: its own presence score.

The face detector looks for faces that look at the camera; the mesh network's presence
score also answers to profiles, three-quarter views and faces looking down. The view
(:mod:`~smp_studio.core.analysis.view`) reads it on a grid of turned crops.
"""

from __future__ import annotations

import numpy as np

from smp_studio.core.analysis import face_models as fm

#: Where the mesh network looks for part of a face: square crops of this share of the photo's
#: short side (a face cut by the frame needs the big crop), centred on a grid, turned by these
#: angles (degrees).
SCAN_SIZES = (0.95,)
SCAN_ANGLES = (0.0, 60.0, -60.0)
SCAN_X = (0.15, 0.5, 0.85)
SCAN_Y = (0.35, 0.75, 0.95)
#: The crops centred on these rows (shares of the height), turned by these angles, look for a
#: face looking down (turned a little: a head tilted over the camera). The row at the bottom
#: edge (0.95), tried too, cost 9 forwards for two more fronts and one more crown taken for a
#: front in the 465 development photos.
LOW_ROWS, LOW_ANGLES = (0.75,), (0.0, 30.0, -30.0)


def face_presence(rgb: np.ndarray, *, anywhere: bool = True, enough: float | None = None) -> tuple[float, float]:
    """How sure the mesh network is that part of a face is on the photo, anywhere and low down (0..1).

    The face detector looks for faces that look at the camera; the mesh
    network's presence score also answers to profiles, three-quarter views
    and faces looking down, and (on the development set) seldom to a crown
    or the back of a head. Returns the best presence over every crop, and
    over the upright crops in the lower part of the photo (where the brows
    and eyes of a face looking down are). With ``anywhere=False``
    (keyword-only) only those are read, and both values are theirs. With
    ``enough`` the scan stops at the first crop that reaches it (the middle
    column and upright crops first): the best is then only known to reach it.

    Examples
    --------
    >>> import numpy as np
    >>> face_presence(np.full((200, 200, 3), 120, np.uint8))[0] < 0.5
    True
    """
    rgb = np.asarray(rgb)
    H, W = rgb.shape[:2]
    side = min(H, W)
    crops = {(a, cy) for a in LOW_ANGLES for cy in LOW_ROWS}
    if anywhere:
        crops |= {(a, cy) for a in SCAN_ANGLES for cy in SCAN_Y}
    # A profile or a face is most often seen whole by the middle column's upright crops: read
    # first, they end a scan that only needs to know whether a threshold is reached in about 9
    # forwards of 33 on the development set's side views.
    order = sorted(((a, cy, cx, size) for a, cy in crops for cx in SCAN_X for size in SCAN_SIZES),
                   key=lambda c: (abs(c[2] - 0.5), c[0] != 0.0, c))
    best, low = 0.0, 0.0
    for angle, cy, cx, size in order:
        _, p = fm.run_mesh(rgb, (cx * W, cy * H), size * side, np.radians(angle))
        best = max(best, p)
        if cy in LOW_ROWS and angle in LOW_ANGLES:
            low = max(low, p)
        if enough is not None and best >= enough:
            break
    return float(best), float(low)
