"""The face: landmarks, eye scale, the view, hairlines placed by the clinical rules."""

import json
import math

import numpy as np
import pytest

from smp_studio.cli import main
from smp_studio.core.analysis.eye_scale import face_scale
from smp_studio.core.analysis.face import Face, find_face
from smp_studio.core.analysis.hairline_rules import (face_template, forehead_model, guides, hairline_warnings,
                                                     mid_frontal_height_mm)
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.view import classify_view
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.errors import SmpError
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings

FRONT = "front-norwood4-hairline.jpg"


@pytest.fixture(scope="module")
def front_face():
    from smp_studio.resources import sample_photo

    photo = load_photo(sample_photo(FRONT))
    return photo, find_face(photo.rgb)


def test_face_looking_down_is_found_with_its_landmarks(front_face):
    photo, face = front_face
    assert face is not None
    (lx, ly), (rx, ry) = face.outer_eye_corners
    # The eyes are in the lower part of this photo (the man looks down at the camera), level.
    assert ly > 0.6 * photo.height and ry > 0.6 * photo.height and abs(ly - ry) < 0.05 * photo.height
    assert 0.25 * photo.width < rx - lx < 0.6 * photo.width
    # Pupils between the outer corners, the glabella between the eyes, the nose base below them.
    assert lx < face.pupils[0][0] < face.pupils[1][0] < rx
    assert lx < face.glabella[0] < rx
    assert face.nose_base[1] > face.glabella[1] + 0.1 * (rx - lx)
    assert face.pitch > 30  # looking down


def test_no_face_on_blank_noise_or_top_down_photos(samples_dir):
    rng = np.random.default_rng(1)
    assert find_face(np.full((300, 400, 3), 90, np.uint8)) is None
    assert find_face(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)) is None
    for name in ("topdown-norwood6-shaved-look.jpg", "topdown-norwood7-fair-skin.jpg", "back-norwood6-strip-scar.jpg"):
        assert find_face(load_photo(samples_dir / name).rgb) is None, name


def test_a_mirrored_face_keeps_its_geometry(front_face):
    photo, face = front_face
    mirrored = find_face(np.ascontiguousarray(photo.rgb[:, ::-1]))
    assert mirrored is not None
    w = photo.width
    # The mirrored photo's eyes are the original's, mirrored (closed eyes looking down: a
    # corner is uncertain by a few per cent of the photo).
    assert np.allclose(np.sort(w - face.outer_eye_corners[:, 0]), np.sort(mirrored.outer_eye_corners[:, 0]),
                       atol=0.08 * w)
    assert abs(mirrored.glabella[1] - face.glabella[1]) < 0.04 * w


def test_a_damaged_model_is_refused(tmp_path, monkeypatch):
    from smp_studio.core.analysis import face_models as fm

    src = fm.models_dir()
    for p in src.iterdir():
        (tmp_path / p.name).write_bytes(p.read_bytes())
    data = bytearray((tmp_path / fm.MESH).read_bytes())
    data[1000] ^= 0xFF
    (tmp_path / fm.MESH).write_bytes(bytes(data))
    monkeypatch.setattr(fm, "models_dir", lambda: tmp_path)
    monkeypatch.setattr(fm, "_nets", {})
    fm._expected_sums.cache_clear()
    try:
        with pytest.raises(SmpError, match="damaged"):
            fm._net(fm.MESH)
    finally:
        fm._expected_sums.cache_clear()


def _face(ipd_px=630.0, iris_px=117.0, yaw=0.0):
    lm = np.zeros((468, 3))
    return Face(lm, np.array([[0.0, 0.0], [ipd_px, 0.0]]), (iris_px, iris_px), yaw, 0.0, 0.0, 1.0)


def test_iris_scale_cross_checked_by_the_pupils():
    assert face_scale(_face()).px_per_mm == pytest.approx(10.0)
    # An iris half hidden by the lids disagrees with the pupils: the pupils' distance wins.
    assert face_scale(_face(iris_px=60.0)).px_per_mm == pytest.approx(10.0)
    # Settings change the standards.
    assert face_scale(_face(), interpupillary_mm=70.0, iris_diameter_mm=13.0).px_per_mm == pytest.approx(9.0)
    # A turned head foreshortens the distance between the pupils.
    assert face_scale(_face(ipd_px=630 * math.cos(math.radians(30)), iris_px=0.0), ).px_per_mm == pytest.approx(
        face_scale(_face(ipd_px=630 * math.cos(math.radians(30)), iris_px=0.0, yaw=30)).px_per_mm
        * math.cos(math.radians(30)), rel=1e-6)
    assert face_scale(_face()).source == "iris"


def test_scale_sources_old_names_still_load():
    assert Scale(3.0, "estimate").source == "head"
    assert Scale(3.0, "calibration").source == "calibrated"
    assert Settings.from_dict({"scale_source": "calibration", "px_per_mm": 3.0}).scale_source == "calibrated"
    assert Settings.from_dict({"view": "side"}).view == "side"  # projects from before left/right


def test_front_template_sits_its_height_above_the_glabella(front_face):
    photo, face = front_face
    scale = face_scale(face)
    heights = {}
    for name in ("juvenile", "mature", "conservative"):
        h = face_template(face, scale, Settings(view="front", hairline_template=name))
        heights[name] = mid_frontal_height_mm(h, face, scale)
        # Above the face, over the brows: the line is higher up the photo than the glabella.
        assert h.points[:, 1].max() < face.glabella[1]
    assert heights["juvenile"] == pytest.approx(70, abs=3)
    assert heights["mature"] == pytest.approx(80, abs=3)
    assert heights["conservative"] == pytest.approx(95, abs=3)
    mature = face_template(face, scale, Settings(view="front"))
    # Corners on the verticals through the outer eye corners, higher than the midline (open angles).
    (lx, _), (rx, _) = face.outer_eye_corners
    corner_l, corner_r = mature.points[1], mature.points[-2]
    assert abs(corner_l[0] - lx) < 0.05 * (rx - lx) and abs(corner_r[0] - rx) < 0.05 * (rx - lx)
    assert corner_l[1] < mature.points[3][1] and corner_r[1] < mature.points[3][1]
    assert hairline_warnings(mature, face, scale, Settings(view="front")) == []


def test_low_or_filled_in_designs_get_a_gentle_warning(front_face):
    _, face = front_face
    scale = face_scale(face)
    low = face_template(face, scale, Settings(view="front", mature_height_mm=55))
    w = hairline_warnings(low, face, scale, Settings(view="front"))
    assert any("above the glabella" in m for m in w)
    flat = face_template(face, scale, Settings(view="front", hairline_template="edge-up"))
    assert any("filled in" in m for m in hairline_warnings(flat, face, scale, Settings(view="front")))


def test_the_forehead_slopes_away():
    lm = np.zeros((468, 3))
    lm[9], lm[151], lm[10] = (100, 200, 0), (100, 150, 5), (100, 100, 15)
    lm[33], lm[263], lm[152] = (50, 210, 10), (150, 210, 10), (100, 330, 5)
    face = Face(lm, np.array([[65.0, 210], [135.0, 210]]), (12.0, 12.0), 0.0, 0.0, 0.0, 1.0)
    m = forehead_model(face, Scale(2.0))
    ys = [m.image_point(h)[1] for h in (0, 30, 60, 90, 120)]
    steps = -np.diff(ys)
    assert (steps > 0).all() and (np.diff(steps) < 0).all()  # every cm climbs less in the photo
    assert m.height_of(m.image_point(85.0)) == pytest.approx(85.0, abs=1.0)
    # A whole curve measured at once (the warnings do this on every hairline drag) reads each point
    # at its own height, over the mesh and past its top onto the skull (where hairlines are drawn).
    hs = np.array([-10.0, 0.0, 25.0, 85.0, 120.0, 140.0])
    pts = np.array([m.image_point(h) for h in hs])
    assert m.height_of(pts) == pytest.approx(hs, abs=1.0)


def test_guides_for_the_studio(front_face):
    _, face = front_face
    g = guides(face, face_scale(face))
    assert np.allclose(g["glabella"], face.glabella)
    for (a, b), corner in zip(g["eye_verticals"], face.outer_eye_corners):
        assert np.allclose(a, corner) and b[1] < a[1]  # upward from the eye corner
    assert len(g["thirds"]) == 2 and set(g["heights"]) == {70.0, 80.0, 95.0}


def test_simulation_uses_the_face_in_front_views(front_face):
    photo, face = front_face
    sim = Simulation(photo, Settings(view="front"), face=face)
    # The template is placed at the eyes' own scale, whatever scale the scalp is measured at.
    assert sim.face_scale.source == "iris"
    assert mid_frontal_height_mm(sim.hairline, face, sim.face_scale) == pytest.approx(80, abs=3)
    # The sample's bowed head is broader than any adult's at its eyes' scale (test_figures); for eyes
    # whose standard sizes agree with the head's breadth, the eyes measure the scalp as well.
    agreeing = Simulation(photo, Settings(view="front", interpupillary_mm=45.0, iris_diameter_mm=9.0), face=face)
    assert agreeing.scale.source == "iris" and agreeing.scale == agreeing.face_scale
    top = Simulation(photo, Settings(view="topdown"))
    assert top.face is None and top.scale.source == "head"  # top-down keeps the outline


def test_view_of_the_samples(samples_dir):
    front = classify_view(load_photo(samples_dir / FRONT).rgb)
    assert front.view == "front" and not front.uncertain and front.face is not None
    for p in sorted(samples_dir.glob("topdown-*.jpg")):
        g = classify_view(load_photo(p).rgb)
        # Told apart by the layout alone, which is often wrong: right here, and it says it is unsure.
        assert g.view == "topdown" and g.uncertain and g.face is None, p.name


def test_info_json_keeps_its_keys_and_adds_the_face(capsys):
    assert main(["info", "--sample", FRONT, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("photo", "width", "height", "format", "px_per_mm", "scale_source", "area_cm2", "bald_fraction"):
        assert k in d
    # The sample's eyes are far behind its bowed scalp: the head's breadth measures it (test_figures).
    assert d["view"] == "front" and 0 <= d["view_confidence"] <= 1 and d["scale_source"] == "head"
    assert len(d["face"]["outer_eye_corners"]) == 2 and len(d["face"]["pupils"]) == 2 and len(d["face"]["glabella"]) == 2
    assert main(["info", "--sample", "topdown-norwood6-shaved-look.jpg", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["face"] is None and d["scale_source"] == "head" and d["view"] in ("topdown", "back", "left", "right")


def test_anonymise_says_when_no_face_is_found(tmp_path, capsys):
    assert main(["anonymise", "--sample", "topdown-norwood6-shaved-look.jpg", "-o", str(tmp_path / "a.png")]) == 0
    assert "no face found" in capsys.readouterr().err
    assert main(["compare", "--sample", "topdown-norwood6-shaved-look.jpg", "-o", str(tmp_path / "c.png"),
                 "--anonymise", "blur"]) == 0
    assert "no face found" in capsys.readouterr().err
    from smp_studio.core.io.imageio import read_settings

    assert read_settings(tmp_path / "c.png").get("anonymised") is False


def test_anonymise_blurs_the_face_looking_down(tmp_path, capsys, front_face):
    photo, face = front_face
    assert main(["anonymise", "--sample", FRONT, "-o", str(tmp_path / "a.png")]) == 0
    assert "eyes" in capsys.readouterr().out
    from PIL import Image

    out = np.asarray(Image.open(tmp_path / "a.png").convert("RGB")).astype(float)
    (lx, ly), (rx, ry) = face.outer_eye_corners.astype(int)
    eyes_before = photo.rgb[ly - 10:ly + 10, lx:rx].astype(float)
    eyes_after = out[ly - 10:ly + 10, lx:rx]
    assert np.abs(np.diff(eyes_after, axis=1)).mean() < 0.5 * np.abs(np.diff(eyes_before, axis=1)).mean()


@pytest.mark.devdata
def test_turned_faces_have_the_yaw_of_their_turn(devdata):
    """FASSEG names its yaw: -45 turns the face toward image-right."""
    images = devdata / "face_parsing" / "images"
    right = [find_face(load_photo(p).rgb) for p in sorted(images.glob("*+0-45.jpg"))[:4]]
    left = [find_face(load_photo(p).rgb) for p in sorted(images.glob("*+0+45.jpg"))[:4]]
    assert sum(f is not None and f.yaw > 15 for f in right) >= 3
    assert sum(f is not None and f.yaw < -15 for f in left) >= 3


def test_the_studio_gets_guides_and_a_live_height(front_face):
    photo, face = front_face
    sim = Simulation(photo, Settings(view="front", hairline_template="juvenile"), face=face)
    g = sim.face_guides()
    assert g["mid_frontal_cm"] == pytest.approx(7.0, abs=0.3) and g["warnings"] == []
    # Dragging the line down 2 cm: the figure follows and a warning appears.
    down = sim.hairline.points + (-np.array(face.up)) * 20 * sim.scale.px_per_mm
    from smp_studio.core.model.hairline import Hairline

    dragged = sim.face_guides(Hairline(down, sim.hairline.face_dir))
    assert dragged["mid_frontal_cm"] < 6.0 and dragged["warnings"]
    assert Simulation(photo, Settings(view="topdown")).face_guides() is None


@pytest.mark.devdata
def test_a_flushed_face_with_closed_eyes_is_found_and_its_forehead_kept_clear(devdata):
    """Closed eyes on a red face are hardly darker than the skin: the face was missed, and the
    template from the head's outline inked the forehead down to the brows."""
    photo = load_photo(devdata / "scalp_photos" / "norwood6_front_015.jpg")
    face = find_face(photo.rgb)
    assert face is not None
    sim = Simulation(photo, Settings(view="front"))
    scale = sim.scale
    assert scale.source == "iris"
    xy = sim.session_dots().xy
    glabella_y = face.glabella[1]
    # every impression at least 5 cm of forehead above the glabella (as the photo foreshortens it: 3 cm)
    assert len(xy) > 0 and xy[:, 1].max() < glabella_y - scale.mm_to_px(30)
