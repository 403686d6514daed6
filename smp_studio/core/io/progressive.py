"""Opening a large photo progressively: a quick first look, then the full simulation.

The studio shows the first look, simulated on a reduced decode, within
moments of choosing a photo, and replaces it when the full-resolution
simulation is ready. Settings are physical (mm, per cm²), so the first look is
the same design, only coarser; its view guess (and, when found at enough
detail, its face) carries over, so the full open does not search again.

The view and the face are searched for on a larger copy (:data:`SEARCH_PIXELS`)
than the first look is simulated on (:data:`FIRST_LOOK_PIXELS`): the search
must see what the full open would (its networks read the same crops, and a
face found there is detailed enough to keep), while the first look's render,
which grows with its pixels, is on the path to the first result.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

import cv2

from smp_studio.core.analysis.face import ANALYSIS_SIZE, find_face
from smp_studio.core.analysis.photo import Photo, decode_photo, photo_bytes, photo_label
from smp_studio.core.analysis.segmentation import segment
from smp_studio.core.analysis.view import ViewGuess, classify_view, decide, layout_features
from smp_studio.core.engine.photolook import estimate_look
from smp_studio.core.engine.render import View
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.io.opening import Opened, apply_opening, is_project, open_simulation
from smp_studio.core.model.design import Design

log = logging.getLogger(__name__)

#: The view and the face are searched for on a reduced decode of at most this many pixels: a
#: long side about the face search's working size (its crops are then those a full open reads,
#: and the face found keeps its detail, see :data:`FACE_DETAIL`).
SEARCH_PIXELS = 800_000
#: A first look is simulated on at most this many pixels (a copy of the search's): shown fitted
#: to the canvas for the moment until the full result replaces it. Its render grows with its
#: pixels; 800k took about 0.2 s of a 0.4 s first result, 300k about 0.1 s.
FIRST_LOOK_PIXELS = 300_000
#: A face found on a searched copy this much smaller than the face search's own working
#: size is searched again at full size (the iris sets the scale: it must be sharp).
FACE_DETAIL = 0.9


def reduced_copy(photo: Photo, pixels: int = FIRST_LOOK_PIXELS) -> Photo | None:
    """``photo`` area-resized to at most ``pixels`` (None when it is that small already).

    >>> import numpy as np
    >>> p = reduced_copy(Photo.from_array(np.zeros((1500, 2000, 3), np.uint8)), 300_000)
    >>> p.size, p.declared_size, p.reduced
    ((632, 474), (2000, 1500), True)
    """
    w, h = photo.size
    if w * h <= pixels:
        return None
    k = (pixels / (w * h)) ** 0.5
    size = (max(int(w * k), 1), max(int(h * k), 1))
    rgb = cv2.resize(photo.rgb, size, interpolation=cv2.INTER_AREA)
    return Photo(rgb, photo.data, photo.name, photo.format, photo.declared_size or photo.size)


def open_first_look(source, *, pixels: int = FIRST_LOOK_PIXELS) -> Opened | None:
    """A photo opened at a reduced size, for a first simulated look within moments.

    ``source`` is a path (a JPEG is decoded reduced straight from its
    compressed data; other formats return None, see :func:`open_progressively`)
    or an already decoded Photo (reduced by area). The view and the face are
    searched for on a copy of at most :data:`SEARCH_PIXELS` (or ``pixels``, if
    more); the returned simulation, its view guess and face are on a copy of
    at most ``pixels``. None when the photo is no larger than the searched
    copy would be (the full open is as quick), or for a project.

    Examples
    --------
    >>> import cv2
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> from smp_studio.resources import sample_photo
    >>> open_first_look(sample_photo()) is None  # the samples are small already
    True
    >>> big = Photo.from_array(cv2.resize(load_photo(sample_photo()).rgb, (1200, 1200)))
    >>> first = open_first_look(big, pixels=100_000)
    >>> first.sim.photo.width * first.sim.photo.height <= 100_000, first.sim.settings.view
    (True, 'topdown')
    """
    most = max(pixels, SEARCH_PIXELS)
    if isinstance(source, Photo):
        search = reduced_copy(source, most)
    elif is_project(source):
        return None
    else:
        search = _reduced_jpeg(photo_bytes(source), photo_label(source), most)
    if search is None:  # small enough that the full open is as quick (as open_progressively has it)
        return None
    small = reduced_copy(search, pixels) or search
    return open_simulation(small, view_guess=guess_for(classify_view(search.rgb), search.size, small))


def guess_for(guess: ViewGuess | None, size, photo: Photo) -> ViewGuess | None:
    """A view ``guess`` made on a copy of ``photo`` of ``size`` (w, h), its face moved to ``photo``'s pixels.

    >>> import numpy as np
    >>> from smp_studio.core.analysis.view import ViewGuess
    >>> guess_for(ViewGuess("topdown", 0.5), (800, 600), Photo.from_array(np.zeros((300, 400, 3), np.uint8)))
    ViewGuess(view='topdown', confidence=0.5, face=None)
    """
    if guess is None or guess.face is None or tuple(size) == photo.size:
        return guess
    return ViewGuess(guess.view, guess.confidence, guess.face.rescaled(photo.width / size[0]))


def _reduced_jpeg(data: bytes, name: str, pixels: int) -> Photo | None:
    """A JPEG decoded small straight from its compressed data (None for other formats, or a small photo)."""
    if data[:3] != JPEG_MAGIC:
        return None
    small = decode_photo(data, name=name, max_working_pixels=pixels)
    return small if small.reduced else None


def full_size_guess(guess: ViewGuess | None, small_size, photo: Photo) -> ViewGuess | None:
    """A view ``guess`` made on a reduced copy (``small_size``) of ``photo``, for ``photo``.

    Its face is moved to ``photo``'s pixels when it was found with about the
    detail a search of ``photo`` would have; otherwise it is searched for again.
    """
    if guess is None:
        return None
    face = guess.face
    if face is not None:
        small, full = max(small_size), max(photo.size)
        if small >= FACE_DETAIL * min(ANALYSIS_SIZE, full):
            face = face.rescaled(photo.width / small_size[0])
        else:
            face = find_face(photo.rgb) or face.rescaled(photo.width / small_size[0])
    return ViewGuess(guess.view, guess.confidence, face)


def open_progressively(path, *, box=(1600, 1000), show=None, progress=None) -> Opened:
    """Open a photo as the studio does: a first look soon, then the full simulation, prepared.

    Parameters
    ----------
    path : str or Path
        A photo (not a project).
    box : (int, int), keyword-only
        The first look is rendered to fit these pixels.
    show : callable, keyword-only
        Called with the first look (RGB uint8) as soon as it is rendered; not
        called for a photo small enough to open fully at once. What it raises
        (a cancelled job) ends the open.
    progress : callable, keyword-only
        ``progress(fraction, message)``, as the studio's jobs take it.
    """
    say = progress or (lambda f, m="": None)
    name = photo_label(path)
    say(0.02, f"Loading {name}...")
    data = photo_bytes(path)  # read once: the first look and the full photo decode the same bytes
    # Only a JPEG decodes small for less; any other photo is decoded once, and reduced.
    photo = None if data[:3] == JPEG_MAGIC else decode_photo(data, name=name)
    small = reduced_copy(photo, SEARCH_PIXELS) if photo is not None else _reduced_jpeg(data, name, SEARCH_PIXELS)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="view")
    try:
        # The face and view search is the longest part of a first look: it runs beside the
        # segmentation, the first look and the full decode. When it finds no face it reads the
        # head's layout from the first look's segmentation, ready by then, instead of its own.
        lent = Future() if small is not None and show is not None else None
        first = None if lent is None else reduced_copy(small, FIRST_LOOK_PIXELS) or small
        # (The first look's blur and grain, from its photo alone, on the same thread first: the
        # search ends well before the first look's render, which needs them as soon as it begins.)
        looking = None if first is None else pool.submit(estimate_look, first.rgb)
        searching = None if small is None else pool.submit(classify_view, small.rgb, labels=_lender(lent))
        if first is not None:
            look = _first_look(first, small.size, searching, box, name, lent, looking)
            if look is not None:
                show(look)
        if photo is None:
            say(0.15, f"Loading {name} at full size...")
            photo = decode_photo(data, name=name)
        say(0.3, "Looking for the face and the view...")
        guess = None
        if searching is not None:
            try:
                guess = full_size_guess(searching.result(), small.size, photo)
            except Exception as e:  # noqa: BLE001 - the full open looks again, and says what is wrong
                log.warning("%s: view search on the first look failed (%s: %s)", name, type(e).__name__, e)
        opened = open_simulation(photo, view_guess=guess)
        say(0.5, "Finding bald and thinning areas, preparing the simulation...")
        opened.sim.prepare()
        return opened
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _lender(lent: Future | None):
    """What the view search reads the layout from: the first look's labels when they keep any face."""
    if lent is None:
        return None

    def labels():
        seg = lent.result()
        return None if seg is None or seg.face_cut else seg.labels

    return labels


def _first_look(small: Photo, searched_size, searching, box, name: str, lent: Future | None = None,
                looking: Future | None = None):
    """The first look's render of ``small`` (None when it fails: the full open says what is wrong).

    It waits for the view, searched on a copy of ``searched_size``: a first look in the wrong view
    would ink a front photo's forehead, even if only for a moment, in front of the client. Its
    segmentation is lent to the search through ``lent`` (None when it failed: the search segments
    on its own). ``looking``, if given, is estimating the photo's look (``estimate_look``) meanwhile.
    """
    seg = None
    try:
        # Meanwhile the face and the view are searched for: the segmentation, and what depends on the
        # photo alone (its blur and grain, the skin's direction), are done before the view is known.
        try:
            seg = segment(small.rgb)
        finally:
            if lent is not None:
                lent.set_result(seg)
        sim = Simulation(small, design=Design(detection=seg), draft=True,
                         photo_look=None if looking is None else looking.result())
        _ = sim.look, sim.direction_field
        view = View.fitted(sim.photo.size, box)
        ready = None
        if not searching.done():
            # While the search goes on, the look for the view the layout alone suggests (top-down or
            # back, without a face) is made ready; it is shown only if the search agrees.
            likely = decide(layout_features(seg.labels), None)
            apply_opening(sim, likely)
            ready = (likely.view, sim.render(*view))
        guess = guess_for(searching.result(), searched_size, small)
        if ready is not None and guess.face is None and guess.view == ready[0]:
            return ready[1]
        apply_opening(sim, guess)  # the same view and treatment the full open will have
        return sim.render(*view)
    except Exception as e:  # noqa: BLE001 - a first look is a courtesy: the full open says what is wrong
        log.warning("%s: no first look (%s: %s)", name, type(e).__name__, e)
        return None


JPEG_MAGIC = b"\xff\xd8\xff"
