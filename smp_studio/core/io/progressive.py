"""Opening a large photo progressively: a quick first look, then the full simulation.

The studio shows the first look, simulated on a reduced decode, within
moments of choosing a photo, and replaces it when the full-resolution
simulation is ready. Settings are physical (mm, per cm²), so the first look is
the same design, only coarser; its view guess (and, when found at enough
detail, its face) carries over, so the full open does not search again.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2

from smp_studio.core.analysis.face import ANALYSIS_SIZE, find_face
from smp_studio.core.analysis.photo import Photo, load_photo
from smp_studio.core.analysis.segmentation import segment
from smp_studio.core.analysis.view import ViewGuess, classify_view
from smp_studio.core.engine.render import View
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.io.opening import Opened, is_project, open_simulation
from smp_studio.core.model.design import Design
from smp_studio.core.model.settings import Settings

log = logging.getLogger(__name__)

#: A first look is simulated on at most this many pixels: about what a canvas shows
#: of the whole photo, and a tenth of a phone photo's work.
FIRST_LOOK_PIXELS = 800_000
#: A face found on a first look this much smaller than the face search's own working
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


def open_first_look(source, *, pixels: int = FIRST_LOOK_PIXELS, settings: dict | None = None) -> Opened | None:
    """A photo opened at a reduced size, for a first simulated look within moments.

    ``source`` is a path (a JPEG is decoded reduced straight from its
    compressed data; other formats return None, see :func:`open_progressively`)
    or an already decoded Photo (reduced by area). None when the photo is small
    enough that the full open is as quick, or for a project.

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> open_first_look(sample_photo()) is None  # the samples are small already
    True
    >>> first = open_first_look(sample_photo(), pixels=100_000)
    >>> first.sim.photo.width * first.sim.photo.height <= 100_000, first.sim.settings.view
    (True, 'topdown')
    """
    if isinstance(source, Photo):
        small = reduced_copy(source, pixels)
    elif is_project(source) or not _is_jpeg(source):
        return None
    else:
        small = load_photo(source, max_working_pixels=pixels)
        small = small if small.reduced else None
    return None if small is None else open_simulation(small, settings=settings)


def full_size_guess(first: Opened, photo: Photo) -> ViewGuess | None:
    """The first look's view guess for ``photo`` (the same photo, larger).

    Its face is moved to ``photo``'s pixels when it was found with about the
    detail a search of ``photo`` would have; otherwise it is searched for again.
    """
    g = first.view_guess
    if g is None:
        return None
    face = g.face
    if face is not None:
        small, full = max(first.sim.photo.size), max(photo.size)
        if small >= FACE_DETAIL * min(ANALYSIS_SIZE, full):
            face = face.rescaled(photo.width / first.sim.photo.width)
        else:
            face = find_face(photo.rgb) or face.rescaled(photo.width / first.sim.photo.width)
    return ViewGuess(g.view, g.confidence, face)


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
    name = Path(path).name
    say(0.02, f"Loading {name}...")
    photo = None if _is_jpeg(path) else load_photo(path)  # only a JPEG decodes small for less
    first = look = None
    try:
        first = open_first_look(photo if photo is not None else path)
        if first is not None and show is not None:
            look = first.sim.render(*View.fitted(first.sim.photo.size, box))
    except Exception as e:  # noqa: BLE001 - a first look is a courtesy: the full open says what is wrong
        log.warning("%s: no first look (%s: %s)", name, type(e).__name__, e)
        first = None
    if look is not None:
        show(look)
    if photo is None:
        say(0.15, f"Loading {name} at full size...")
        photo = load_photo(path)
    say(0.3, "Finding bald and thinning areas...")
    detection = segment(photo.rgb)
    say(0.5, "Looking for the face and the view...")
    guess = full_size_guess(first, photo) if first is not None else classify_view(photo.rgb)
    say(0.7, "Preparing the simulation...")
    sim = Simulation(photo, design=Design(Settings(view=guess.view), detection=detection), face=guess.face)
    return Opened(sim.prepare(), None, guess)


def _is_jpeg(path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(3) == b"\xff\xd8\xff"
    except OSError:
        return False  # the full open reports it
