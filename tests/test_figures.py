"""One set of figures from one zone, density where skin shows, scar camouflage: on the bundled samples."""

import json
import re

import cv2
import numpy as np
import pytest

from smp_studio.cli import main
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.segmentation import HAIR
from smp_studio.core.engine.render import View
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.settings import Settings
from smp_studio.core.output.clinic import Clinic
from smp_test_helpers import SAMPLES

FRONT = SAMPLES / "front-norwood4-hairline.jpg"
CROWN = SAMPLES / "crown-norwood4-diffuse-thinning.jpg"
BACK = SAMPLES / "back-norwood6-strip-scar.jpg"


def test_area_follows_the_hairline_and_agrees_with_the_count():
    sim = Simulation(load_photo(FRONT), Settings(view="front"))
    areas = {}
    for tpl in ("conservative", "mature", "juvenile"):
        sim.update(hairline_template=tpl)
        fg = sim.figures()
        areas[tpl] = fg.area_cm2
        assert fg.impressions == fg.per_session[-1] == len(sim.dots.for_session(sim.settings))
        assert fg.impressions / fg.area_cm2 == pytest.approx(sim.settings.density_per_cm2, rel=0.1)
    # A lower hairline treats more scalp; the face in front of it is not counted.
    assert areas["conservative"] < areas["mature"] < areas["juvenile"]
    assert areas["juvenile"] > 1.15 * areas["conservative"]
    lowered = sim.hairline.translate((0.0, 40.0)) if hasattr(sim.hairline, "translate") else None
    if lowered is None:
        from smp_studio.core.model.hairline import Hairline

        lowered = Hairline(sim.hairline.points + [0.0, 40.0], sim.hairline.face_dir)
    before = sim.figures().area_cm2
    sim.set_hairline(lowered)
    assert sim.figures().area_cm2 > before + 3


def test_handout_and_cli_show_the_same_figures(tmp_path, capsys):
    sim = Simulation(load_photo(FRONT), Settings(view="front"))
    fg = sim.figures()
    from smp_studio.core.output.handout import prepare

    data = prepare(sim)
    assert (data.area_cm2, data.impressions, data.session_counts) == (fg.area_cm2, fg.impressions,
                                                                      list(fg.per_session))
    assert data.impressions / data.area_cm2 == pytest.approx(data.density, rel=0.01)
    tier, price = Clinic().quote(data.area_cm2)
    assert tier is not None and data.area_cm2 <= tier.up_to_cm2  # the quoted tier is the one the area falls in
    code = main(["simulate", str(FRONT), "--view", "front", "-o", str(tmp_path / "a.png")])
    out = capsys.readouterr().out
    m = re.fullmatch(r".*: (\d+) impressions over (\d+) cm² \(session 3 of 3, healed\)\n", out)
    assert code == 0 and m, out
    assert int(m.group(2)) == round(fg.area_cm2) and int(m.group(1)) == len(sim.session_dots())


def test_density_treatment_goes_where_the_crown_shows_through():
    sim = Simulation(load_photo(CROWN), Settings(treatment="density"))
    d = sim.dots
    labels = sim.segmentation.labels
    xy = np.round(d.xy).astype(int)
    on_hair = labels[xy[:, 1], xy[:, 0]] == HAIR
    assert len(d) > 1000
    assert on_hair.mean() < 0.05  # never on the dense fringe
    # The see-through crown (the middle of the head in this top-down photo) holds most of them.
    cx, cy = 340, 300
    in_crown = np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) < 170
    assert in_crown.mean() > 0.7
    # More where more skin shows: the crown's middle is denser than its thinning rim.
    mid = np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) < 70
    rim = (np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) > 170) & (np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) < 230)
    assert mid.sum() / (np.pi * 70**2) > 1.5 * rim.sum() / (np.pi * (230**2 - 170**2))


def strip_scar():
    """The FUT scar in the back sample, painted as an artist would (it runs through hair)."""
    m = np.zeros((640, 640), np.uint8)
    cv2.polylines(m, [np.array([[348, 140], [336, 180], [330, 215], [334, 250], [342, 275]])], False, 1, 9)
    return m > 0


def test_scar_gets_visible_pigment_along_its_whole_length_through_hair():
    photo = load_photo(BACK)
    scar = strip_scar()
    sim = Simulation(photo, Settings(treatment="scar", view="back"), scar_mask=scar)
    after = sim.render()
    diff = np.abs(after.astype(int) - photo.rgb.astype(int)).sum(axis=2)
    for y0 in range(150, 270, 20):  # every stretch of the scar, most of it inside hair
        band = scar.copy()
        band[:y0] = False
        band[y0 + 20:] = False
        assert (diff[band] > 30).mean() > 0.03, y0
    # Scar tissue holds pigment paler and less evenly than the scalp around it.
    full = Simulation(photo, Settings(view="back")).dots
    d = sim.dots
    assert d.opacity.mean() < 0.9 * full.opacity.mean()
    assert d.opacity.std() > full.opacity.std()


def test_scar_with_nothing_painted_gives_a_hint_not_an_error():
    photo = load_photo(BACK)
    sim = Simulation(photo, Settings(treatment="scar", view="back"))
    assert np.array_equal(sim.render(), photo.rgb)
    assert "Scar brush" in sim.hint
    fg = sim.figures()
    assert fg.impressions == 0 and fg.area_cm2 == 0 and "Scar brush" in fg.hint


def test_warnings_for_pigment_on_the_face_and_an_implausible_area():
    photo = load_photo(FRONT)

    class Face:
        brow_y = 400.0

    sim = Simulation(photo, Settings(view="front", treatment="scar", px_per_mm=3.5))
    sim.face = Face()  # only where the face begins matters here
    scar = np.zeros((640, 640), bool)
    scar[420:470, 200:440] = True  # painted onto the forehead below the brows
    sim.set_scar_mask(scar)
    assert any("face" in w for w in sim.figures().warnings)
    ok = Simulation(photo, Settings(view="front"))
    assert not any("face" in w or "more than any" in w for w in ok.figures().warnings)
    huge = Simulation(photo, Settings(view="front", px_per_mm=0.8))  # a mistyped calibration
    assert any("cm wide" in w or "more than any" in w for w in huge.figures().warnings)


def test_handout_records_the_warnings(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "h.pdf"
    assert main(["handout", str(FRONT), "--view", "front", "--scale", "0.8", "-o", str(out)]) == 0
    kw = PdfReader(str(out)).metadata.get("/Keywords")
    rec = json.loads(kw.split(" ", 1)[1])
    assert any("wide" in w for w in rec["warnings"])


def test_a_bowed_head_is_measured_at_its_own_breadth_and_says_so_on_screen_and_in_the_handout(tmp_path):
    from pypdf import PdfReader

    # The front sample looks down at a close camera: its eyes are far behind the scalp, and at their
    # scale the head would be 23 cm wide, with an area (and a price) more than twice the real one.
    sim = Simulation(load_photo(FRONT), Settings(view="front"))
    assert sim.face is not None and sim.face_scale.source == "iris"
    assert sim.scale.source == "head" and sim.scale.px_per_mm > 1.3 * sim.face_scale.px_per_mm
    fg = sim.figures()
    at_the_eyes = Simulation(load_photo(FRONT), Settings(view="front", px_per_mm=sim.face_scale.px_per_mm)).figures()
    assert fg.area_cm2 < 0.6 * at_the_eyes.area_cm2
    assert 0.8 < fg.impressions / fg.area_cm2 / fg.chosen_density < 1.2  # the figures agree with each other
    bowed = [w for w in fg.warnings if "bowed" in w]
    assert bowed and fg.area_note
    # The hairline is still placed by the rules measured on the face, at the eyes' own scale.
    assert sim.face_guides()["mid_frontal_cm"] == pytest.approx(sim.settings.template_height_mm / 10, abs=0.3)
    # A calibration on the scalp settles it: no more doubt.
    calibrated = Simulation(load_photo(FRONT), Settings(view="front", px_per_mm=3.8))
    assert not any("bowed" in w for w in calibrated.figures().warnings) and not calibrated.figures().area_note
    out = tmp_path / "h.pdf"
    assert main(["handout", str(FRONT), "--view", "front", "-o", str(out)]) == 0
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(out)).pages).split())
    assert "bowed head" in text and f"{fg.area_cm2:.0f} cm²" in text


def test_a_kept_automatic_scale_keeps_the_face_template_and_the_quote():
    # Re-running detection keeps the scale the photo had (it is written into the settings): the
    # template, placed at the eyes' own scale, and the quote must not move.
    sim = Simulation(load_photo(FRONT), Settings(view="front"))
    kept = Simulation(load_photo(FRONT), Settings(view="front", px_per_mm=sim.scale.px_per_mm,
                                                  scale_source=sim.scale.source))
    assert np.allclose(kept.hairline.points, sim.hairline.points)
    assert kept.figures().area_cm2 == pytest.approx(sim.figures().area_cm2, rel=0.01)
    assert any("bowed" in w for w in kept.figures().warnings)
    # A project saved before kept the eyes' scale of this bowed head: it is measured at the head's size too.
    older = Simulation(load_photo(FRONT), Settings(view="front", px_per_mm=sim.face_scale.px_per_mm,
                                                   scale_source="iris"))
    assert older.scale.source == "head" and older.figures().area_cm2 == pytest.approx(sim.figures().area_cm2, rel=0.01)


def test_an_upright_face_keeps_the_eyes_scale_however_wide_its_outline_reads():
    from dataclasses import replace

    # Big hair, a hood or shoulders in the skull fit widen the outline of a head facing the camera:
    # its eyes are at the scalp's depth, and still measure it.
    bowed = Simulation(load_photo(FRONT), Settings(view="front"))
    upright = Simulation(load_photo(FRONT), Settings(view="front"), face=replace(bowed.face, pitch=5.0))
    assert upright.scale.source == "iris" and not any("bowed" in w for w in upright.figures().warnings)


def test_scar_camouflage_takes_most_of_the_pale_line_away():
    # What an artist judges: the white line against the stubble beside it, before and after.
    photo = load_photo(BACK)
    scar = strip_scar()
    after = Simulation(photo, Settings(treatment="scar", view="back"), scar_mask=scar).render()
    grey = lambda im: cv2.cvtColor(im, cv2.COLOR_RGB2GRAY).astype(float)
    beside = cv2.dilate(scar.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool) & ~scar
    rows = np.zeros_like(scar)
    rows[160:270] = True  # the stretch of the line inside hair
    step = lambda g: g[scar & rows].mean() - g[beside & rows].mean()
    before = step(grey(photo.rgb))
    assert before > 25  # the sample's scar is a pale line
    assert step(grey(after)) < 0.5 * before
