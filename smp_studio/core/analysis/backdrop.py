"""Dark backdrop that the graph cut glued to dark hair, taken back out of the head.

A dark wall, door or jacket touching a head's dark fringe is one colour with
it: the graph cut keeps it as head and the hair score calls it hair (dark,
unlike the skin). Then pigment and the shave preview's clipped fill spill onto
it. Two things tell it from hair: it is smooth (no strands), and it lies
outside the skull that the rest of the head's outline describes. It runs on
out of the frame too, where a head's hair seen beside the frame is textured.
A beige wall that the cut kept beside a head is taken for bare skin instead: it
is told by its colour, unlike the head's own bare skin, and its place off the skull.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.masks import largest_component

#: Backdrop is smoother than this share of the head's own hair (fine texture, L units): a buzz cut's
#: stubble is about 0.6 L units, a dark wall beside it about 0.35.
SMOOTH_SHARE = 0.7
#: A piece counts as off the skull when its mean radius, in the fitted skull's radii, is beyond this.
OFF_SKULL = 1.0
SLIVER = 0.15  # share of the image's side: what is left this thin beside a backdrop is its rim
#: A backdrop's colour is this far (a*, b*) from the hair's at least: shadowed hair at the frame's edge
#: is darker, of about the same hue (2.5 at most over FASSEG's faces), a wall beside brown hair greyer (4.2).
HUE_APART = 3.0
MIN_SHARE = 0.005  # pieces smaller than this share of the image are left (hair at the frame in shadow, specks)


def without_backdrop(head: np.ndarray, density: np.ndarray, texture: np.ndarray, lab: np.ndarray, *,
                     hair_from: float, keep: np.ndarray | None = None) -> np.ndarray:
    """``head`` (bool, working size) without the smooth dark backdrop glued to its hair.

    Parameters
    ----------
    head : ndarray bool (h, w)
    density : ndarray float (h, w)
        Hair density (0..1); ``hair_from`` and above is dense hair.
    texture : ndarray float (h, w)
        Fine texture (strands), in L units.
    lab : ndarray float (h, w, 3)
        The photo, CIE Lab.
    hair_from : float, keyword-only
    keep : ndarray bool (h, w), optional, keyword-only
        What the artist marked as skin or hair: a piece holding any of it is head, whatever it looks
        like (the artist's correction when a dark head of hair was taken for a wall).

    Returns
    -------
    ndarray bool (h, w)
        The head, less every smooth piece of "hair" that reaches the frame's
        edge and lies mostly outside the skull fitted to the rest (the largest
        piece of what is left).

    Examples
    --------
    >>> h = w = 120
    >>> yy, xx = np.mgrid[0:h, 0:w]
    >>> skull = (xx - 60) ** 2 + (yy - 70) ** 2 < 45 ** 2
    >>> wall = (yy < 30) & (np.abs(xx - 60) < 25)  # dark wall above the head, out of the frame
    >>> tex = np.where(skull, 1.0, 0.1); dens = np.where(skull & (yy > 70), 0.0, 1.0)
    >>> lab = np.zeros((h, w, 3), np.float32); lab[..., 0] = np.where(wall & ~skull, 20, 40)
    >>> lab[..., 2] = np.where(wall & ~skull, -3, 6)  # a grey-blue wall; brown hair
    >>> out = without_backdrop(skull | wall, dens, tex, lab, hair_from=0.58)
    >>> bool(out[5, 60]), bool(out[70, 60]), bool(out[40, 60])
    (False, True, True)
    """
    from smp_studio.core.analysis.skull import skull_radius, whole_outline_fit  # (skull reads our classes)

    h, w = head.shape
    hair = head & (density >= hair_from)
    k = max(3, int(0.05 * min(h, w)) | 1)
    core = cv2.erode(head.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    if np.count_nonzero(hair & core) < 50:
        return head
    ref = float(np.median(texture[hair & core]))
    smooth = hair & (cv2.GaussianBlur(np.asarray(texture, np.float32), (0, 0), 2.0) < SMOOTH_SHARE * ref)
    n, cc, st, _ = cv2.connectedComponentsWithStats(smooth.astype(np.uint8), connectivity=4)
    pieces = []
    for i in range(1, n):
        x, y, bw, bh, area = st[i]
        if area >= MIN_SHARE * h * w and (x == 0 or y == 0 or x + bw == w or y + bh == h):
            pieces.append(i)
    if not pieces:
        return head
    loose = np.isin(cc, pieces)
    fit = whole_outline_fit(largest_component(head & ~loose))
    if fit is None:
        return head
    (cx, cy), (a, b) = fit
    yy, xx = np.nonzero(loose)
    r = skull_radius(xx.astype(np.float32), yy.astype(np.float32), cx, cy, a, b)
    off = np.zeros(n, np.float64)
    np.add.at(off, cc[yy, xx], r)
    off /= np.maximum(st[:, cv2.CC_STAT_AREA], 1)
    # Hair in shadow is darker than the rest but of its hue: a backdrop of another hue is no hair.
    textured = hair & core & ~smooth
    own = np.median(lab[textured if np.count_nonzero(textured) >= 50 else hair & core][:, 1:], axis=0)
    hue = [float(np.linalg.norm(np.median(lab[cc == i][:, 1:], axis=0) - own)) for i in pieces]
    marked = set(np.unique(cc[keep]).tolist()) if keep is not None else set()
    drop = np.isin(cc, [i for i, d in zip(pieces, hue) if off[i] > OFF_SKULL and d > HUE_APART and i not in marked])
    if not drop.any():
        return head
    # Its rim, where it meets the hair and reads as textured, is left as slivers: gone too, near it.
    k = max(3, int(SLIVER * min(h, w)) | 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    kept = (head & ~drop).astype(np.uint8)
    near = cv2.dilate(drop.astype(np.uint8), disc) > 0
    kept[near] = cv2.morphologyEx(kept, cv2.MORPH_OPEN, disc)[near]
    return largest_component(kept > 0)


#: Bare skin on the head and a wall the graph cut kept with it are this far apart in colour (a*, b*)
#: at least: a pale or beige wall labelled skin is far greyer or yellower than the scalp (13 to 20
#: on devdata), the bare skin of one head across light and shade within about 9.
SKIN_APART = 10.0
#: The head keeps at least this much bare skin elsewhere, per pixel of the piece taken out.
REST_SHARE = 0.5


def without_skin_coloured_wall(head: np.ndarray, density: np.ndarray, lab: np.ndarray, *, thinning_from: float,
                               keep: np.ndarray | None = None) -> np.ndarray:
    """``head`` (bool, working size) without a pale wall that the graph cut kept and the hair score left as skin.

    A beige wall or door beside a head is smooth and warm like skin: the cut keeps a piece of it
    and pigment lands on it. It reaches the frame's top, lies outside the skull fitted to the rest
    of the head, is of another colour than the head's own bare skin, and the head keeps at least
    half as much bare skin elsewhere; a crown cut by the frame is inside the skull, of the skin's
    colour and most of it, and a neck or shoulders come from the frame's bottom. ``keep``: as in
    :func:`without_backdrop`. Returns ``head`` itself when nothing is taken out.

    Examples
    --------
    >>> h = w = 120
    >>> yy, xx = np.mgrid[0:h, 0:w]
    >>> skull = (xx - 50) ** 2 + (yy - 70) ** 2 < 40 ** 2
    >>> wall = (xx > 80) & (xx < 110)  # a beige door frame to frame, beside the head
    >>> dens = np.where(skull & ((yy < 50) | (xx > 75)), 1.0, 0.0)  # hair between the bald top and the wall
    >>> lab = np.zeros((h, w, 3), np.float32); lab[..., 0] = 60
    >>> lab[..., 1:] = np.where(wall[..., None] & ~skull[..., None], (6, 10), (20, 18))
    >>> out = without_skin_coloured_wall(skull | wall, dens, lab, thinning_from=0.22)
    >>> bool(out[10, 95]), bool(out[80, 50]), bool(out[70, 85])
    (False, True, True)
    """
    from smp_studio.core.analysis.skull import skull_radius, whole_outline_fit  # (skull reads our classes)

    h, w = head.shape
    skin = head & (density < thinning_from)
    n, cc, st, _ = cv2.connectedComponentsWithStats(skin.astype(np.uint8), connectivity=4)
    marked = set(np.unique(cc[keep]).tolist()) if keep is not None else set()
    out = head
    for i in range(1, n):
        x, y, bw, bh, area = st[i]
        # (A wall stands behind the head and runs on above it; a neck, shoulders or arms come from below.)
        if area < MIN_SHARE * h * w or y > 0 or i in marked:
            continue
        piece = cc == i
        rest = skin & ~piece
        if np.count_nonzero(rest) < max(REST_SHARE * area, 50):  # (it is most of the bare skin: the scalp)
            continue
        if np.linalg.norm(np.median(lab[piece][:, 1:], axis=0) - np.median(lab[rest][:, 1:], axis=0)) <= SKIN_APART:
            continue
        fit = whole_outline_fit(largest_component(out & ~piece))
        if fit is None:
            continue
        (cx, cy), (a, b) = fit
        yy, xx = np.nonzero(piece)
        if float(skull_radius(xx.astype(np.float32), yy.astype(np.float32), cx, cy, a, b).mean()) > OFF_SKULL:
            out = out & ~piece
    return out if out is head else largest_component(out)
