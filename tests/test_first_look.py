"""Opening a large photo: a quick first look, then the full simulation, which agree."""

import cv2
import numpy as np
import pytest

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.io.progressive import FIRST_LOOK_PIXELS, open_first_look, open_progressively


@pytest.fixture
def big_front(tmp_path, samples_dir):
    """The front sample as a 2 MP phone photo."""
    rgb = load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb
    big = cv2.resize(rgb, (1500, 1500), interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "front-big.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(big, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def test_a_large_photo_shows_a_first_look_before_the_full_result_and_they_agree(big_front):
    shown = []
    opened = open_progressively(big_front, box=(800, 600), show=shown.append)
    assert len(shown) == 1  # one first look, before the full simulation
    first = shown[0]
    assert first.dtype == np.uint8 and first.shape[1] <= 800 and first.shape[0] <= 600
    sim = opened.sim
    assert sim.photo.size == (1500, 1500) and sim.settings.view == "front"
    # The first look is the same design, coarser: the same head, the same pigment where the full one has it.
    full = cv2.resize(sim.render(), (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    before = cv2.resize(sim.photo.rgb, (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    # Where and how much the photo changes, seen at a few millimetres: the same in both.
    dark = lambda a: cv2.GaussianBlur((before.astype(np.float32) - a.astype(np.float32)).mean(2), (0, 0), 4)  # noqa: E731
    d_full, d_first = dark(full), dark(first)
    assert np.abs(d_full).mean() > 1.0  # the simulation changed the photo (pigment darkens, the shave lightens)
    r = np.corrcoef(d_full.ravel(), d_first.ravel())[0, 1]
    assert r > 0.8, f"the first look's pigment follows the full result's only loosely (r = {r:.2f})"


def test_the_first_looks_face_carries_over_to_the_full_photo(tmp_path, samples_dir):
    rgb = load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb
    path = tmp_path / "front-12mp.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(cv2.resize(rgb, (4000, 3000), interpolation=cv2.INTER_CUBIC),
                                        cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    first = open_first_look(path)
    assert first is not None and first.sim.photo.width * first.sim.photo.height <= FIRST_LOOK_PIXELS
    assert first.view_guess.face is not None
    full = open_progressively(path, box=(800, 600))
    # The full simulation's face is the first look's, moved to full-size pixels: no second search.
    k = full.sim.photo.width / first.sim.photo.width
    assert np.allclose(full.sim.face.glabella, first.view_guess.face.glabella * k)


def test_a_first_look_too_small_for_the_iris_has_its_face_found_again(big_front):
    from smp_studio.core.analysis.face import find_face

    first = open_first_look(big_front)
    full = open_progressively(big_front, box=(800, 600))
    assert max(first.sim.photo.size) < 0.9 * 1024  # too coarse to set the scale from
    again = find_face(full.sim.photo.rgb)
    assert np.allclose(full.sim.face.iris_diameters_px, again.iris_diameters_px)


def test_a_png_is_decoded_once_and_still_gets_a_first_look(tmp_path, samples_dir, monkeypatch):
    import smp_studio.core.io.progressive as progressive

    rgb = load_photo(samples_dir / "topdown-norwood6-shaved-look.jpg").rgb
    path = tmp_path / "big.png"
    cv2.imwrite(str(path), cv2.cvtColor(cv2.resize(rgb, (1400, 1400)), cv2.COLOR_RGB2BGR))
    loads = []
    real = progressive.decode_photo
    monkeypatch.setattr(progressive, "decode_photo", lambda *a, **k: loads.append(1) or real(*a, **k))
    shown = []
    opened = open_progressively(path, show=shown.append)
    assert len(shown) == 1 and len(loads) == 1 and opened.sim.photo.size == (1400, 1400)


def test_a_small_photo_opens_at_once_without_a_first_look(samples_dir):
    shown = []
    opened = open_progressively(samples_dir / "topdown-norwood6-shaved-look.jpg", show=shown.append)
    assert shown == [] and opened.sim.photo.size == load_photo(samples_dir / "topdown-norwood6-shaved-look.jpg").size


def test_the_face_search_runs_beside_the_first_looks_segmentation(big_front, monkeypatch):
    """The longest part of a first look, the face and view search, overlaps the segmentation; and the
    first look waits for it (a front photo is never shown in the wrong view, forehead inked)."""
    import threading

    import smp_studio.core.io.progressive as progressive

    real_search, real_segment = progressive.classify_view, progressive.segment
    started, checked, finished = threading.Event(), threading.Event(), threading.Event()
    during = []

    def search(rgb, **kw):
        started.set()
        checked.wait(10)  # still searching when the segmentation looks
        try:
            return real_search(rgb, **kw)
        finally:
            finished.set()

    def seg(rgb, **kw):
        if started.wait(10):
            during.append(not finished.is_set())
            checked.set()
        return real_segment(rgb, **kw)

    monkeypatch.setattr(progressive, "classify_view", search)
    monkeypatch.setattr(progressive, "segment", seg)
    shown = []
    opened = open_progressively(big_front, box=(800, 600), show=shown.append)
    assert during == [True] and len(shown) == 1
    assert opened.sim.settings.view == "front"


def test_a_slow_view_search_never_shows_the_layouts_guess_when_it_is_wrong(big_front, monkeypatch):
    """While the search is slow, a first look is made ready for the view the layout suggests; a front
    photo then shows its front look (the guessed top-down look would ink the forehead)."""
    import time

    import smp_studio.core.io.progressive as progressive

    real_search, real_layout = progressive.classify_view, progressive.layout_features
    guessed = []

    def slow_search(rgb, **kw):
        time.sleep(1.0)
        return real_search(rgb, **kw)

    def layout(labels):
        guessed.append(1)
        return real_layout(labels)

    monkeypatch.setattr(progressive, "classify_view", slow_search)
    monkeypatch.setattr(progressive, "layout_features", layout)
    shown = []
    opened = open_progressively(big_front, box=(800, 600), show=shown.append)
    assert guessed and len(shown) == 1 and opened.sim.settings.view == "front"
    first = shown[0]
    sim = opened.sim
    full = cv2.resize(sim.render(), (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    before = cv2.resize(sim.photo.rgb, (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    dark = lambda a: cv2.GaussianBlur((before.astype(np.float32) - a.astype(np.float32)).mean(2), (0, 0), 4)  # noqa: E731
    r = np.corrcoef(dark(full).ravel(), dark(first).ravel())[0, 1]
    assert r > 0.8, f"the first look shown is not the front view's (r = {r:.2f})"


def test_a_photo_without_a_face_is_segmented_once_on_its_way_to_the_first_look(tmp_path, samples_dir, monkeypatch):
    """The view search, finding no face, reads the head's layout from the first look's segmentation
    rather than segmenting the reduced photo a second time (a fifth of the wait for a first look)."""
    import smp_studio.core.analysis.view as view
    import smp_studio.core.io.progressive as progressive

    rgb = load_photo(samples_dir / "topdown-norwood6-shaved-look.jpg").rgb
    path = tmp_path / "topdown-big.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(cv2.resize(rgb, (1600, 1600), interpolation=cv2.INTER_CUBIC),
                                        cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    sizes = []
    for module in (progressive, view):
        real = module.segment
        monkeypatch.setattr(module, "segment", lambda img, real=real, **kw: sizes.append(img.shape[:2]) or real(img, **kw))
    shown = []
    opened = open_progressively(path, box=(800, 600), show=shown.append)
    assert len(shown) == 1 and opened.view_guess.face is None and opened.sim.settings.view == "topdown"
    reduced = [s for s in sizes if s != (1600, 1600)]
    assert len(reduced) == 1, f"the reduced photo was segmented {len(reduced)} times"


def test_the_first_look_opens_with_the_treatment_the_full_result_will_have(tmp_path):
    """A head that still has most of its hair opens as a density treatment: its first look must not
    show that hair clipped by the full shaved look's preview, only to grow back a moment later."""
    from smp_test_helpers import synthetic_head

    rgb, truth = synthetic_head(400, bald_radius=0.12)
    big = cv2.resize(rgb, (1600, 1600), interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "thinning.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(big, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    shown = []
    opened = open_progressively(path, box=(800, 800), show=shown.append)
    assert opened.sim.settings.treatment == "density" and len(shown) == 1
    first = shown[0]
    before = cv2.resize(opened.sim.photo.rgb, (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    ring = cv2.resize((truth == 3).astype(np.uint8), (first.shape[1], first.shape[0]), interpolation=cv2.INTER_NEAREST) > 0
    ring &= ~cv2.dilate((~ring).astype(np.uint8), np.ones((25, 25), np.uint8)).astype(bool)  # well inside the hair
    change = np.abs(first.astype(np.float32) - before.astype(np.float32)).mean(axis=2)[ring].mean()
    assert change < 4.0, f"the first look changed the hair by {change:.1f} levels (clipped?)"


def test_the_first_look_is_simulated_smaller_than_the_view_is_searched(tmp_path, samples_dir, monkeypatch):
    """The first look's render, on the way to the first result, grows with its pixels: it is made on
    a small copy. The face and view search keeps the detail a full open would have, so the face
    it finds carries over to the full photo rather than being searched for again."""
    import smp_studio.core.io.progressive as progressive

    rgb = load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb
    path = tmp_path / "front-3mp.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(cv2.resize(rgb, (2000, 1500), interpolation=cv2.INTER_CUBIC),
                                        cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    searched, again = [], []
    real_search, real_find = progressive.classify_view, progressive.find_face
    monkeypatch.setattr(progressive, "classify_view", lambda img, **kw: searched.append(img.shape[:2]) or
                        real_search(img, **kw))
    monkeypatch.setattr(progressive, "find_face", lambda img, **kw: again.append(1) or real_find(img, **kw))
    shown = []
    opened = open_progressively(path, box=(1600, 1000), show=shown.append)
    h, w = shown[0].shape[:2]
    assert searched == [(750, 1000)] and again == []  # the reduced decode, searched once; its face kept
    assert w * h <= FIRST_LOOK_PIXELS and w * h < 0.5 * 1000 * 750 and w / h == pytest.approx(4 / 3, rel=0.01)
    assert opened.sim.settings.view == "front" and opened.sim.face is opened.view_guess.face


def test_the_first_look_clips_the_hair_from_coarser_maps_yet_looks_the_same(big_front, monkeypatch):
    """The first look is on screen for a moment, shown fitted to the canvas: its shave preview's
    tone and light (which vary over centimetres) are read at a draft's working size, for well under
    half the work, and the picture is the one the full-size maps give."""
    import smp_studio.core.engine.shave as shave_mod
    from smp_studio.core.engine.bare_skin import DRAFT_WORK, WORK
    from smp_studio.core.engine.simulation import Simulation

    sizes = []
    real_fill = shave_mod.fill_skin
    monkeypatch.setattr(shave_mod, "fill_skin", lambda *a, **kw: sizes.append(kw.get("work")) or real_fill(*a, **kw))
    shown = []
    opened = open_progressively(big_front, box=(800, 600), show=shown.append)
    # The first look's clipped hair from a draft's maps (once, or twice when the view search ended
    # after the layout's guess was drawn and disagreed); the full result's from the full working size.
    assert shown and sizes[-1] == WORK and sizes[:-1] in ([DRAFT_WORK], [DRAFT_WORK] * 2)
    sim = opened.sim
    assert sim.clips_hair()
    small = cv2.resize(sim.photo.rgb, (700, 700), interpolation=cv2.INTER_AREA)
    draft, exact = (Simulation(type(sim.photo).from_array(small), draft=d) for d in (True, False))
    exact.update(view="front"), draft.update(view="front")
    # What the shave and the pigment change, seen at a few millimetres, as the first look is seen.
    seen = lambda a: cv2.GaussianBlur(small.astype(np.float32) - a.astype(np.float32), (0, 0), 4).mean(2)  # noqa: E731
    a, b = seen(draft.render()), seen(exact.render())
    changed = np.abs(b) > 3
    assert changed.mean() > 0.05
    r = np.corrcoef(a.ravel(), b.ravel())[0, 1]
    off = np.abs(a - b)[changed].mean() / np.abs(b)[changed].mean()
    assert r > 0.95 and off < 0.15, f"a draft's clipped hair looks different (r = {r:.2f}, {off:.0%} of the change off)"


def test_the_first_looks_blur_and_grain_are_read_beside_its_segmentation_once(big_front, monkeypatch):
    """The photo's own blur and grain depend on the photo alone: they are estimated on the search's
    thread while the segmentation runs, not after it on the way to the first look, and not twice."""
    import threading

    import smp_studio.core.engine.simulation as simulation
    import smp_studio.core.io.progressive as progressive

    where = []
    real = progressive.estimate_look

    def estimate(rgb):
        where.append((threading.current_thread() is threading.main_thread(), rgb.shape[:2]))
        return real(rgb)

    monkeypatch.setattr(progressive, "estimate_look", estimate)
    monkeypatch.setattr(simulation, "estimate_look", estimate)
    shown = []
    opened = open_progressively(big_front, box=(800, 600), show=shown.append)
    assert len(shown) == 1
    # Once off the main thread for the first look (its photo, whose shape the shown look keeps), once for
    # the full photo when it is prepared.
    first, full = where
    assert first[0] is False and first[1][0] * first[1][1] <= FIRST_LOOK_PIXELS
    assert full[1] == opened.sim.photo.rgb.shape[:2]
