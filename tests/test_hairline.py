import numpy as np
import pytest

from smp_studio.core import SettingsError
from smp_studio.core.analysis.head import HeadFrame, head_frame, template_hairline
from smp_studio.core.model.hairline import Hairline, catmull_rom


def line():
    return Hairline(np.array([[100.0, 200.0], [200.0, 240.0], [300.0, 250.0], [400.0, 240.0], [500.0, 200.0]]))


def test_curve_passes_through_every_control_point_smoothly():
    h = line()
    c = h.curve(20)
    for p in h.points:
        assert np.min(np.hypot(*(c - p).T)) < 1e-6
    steps = np.hypot(*np.diff(c, axis=0).T)
    assert steps.max() < 3 * np.median(steps)  # no jumps or loops


def test_hit_tests():
    h = line()
    assert h.nearest_point((301, 252), radius=6) == 2
    assert h.nearest_point((350, 100), radius=6) is None
    assert h.nearest_segment((250, 247), radius=6) == 1
    assert h.nearest_segment((250, 100), radius=6) is None


def test_edits_return_new_lines_and_keep_the_old():
    h = line()
    moved = h.move_point(2, (300, 280))
    assert moved.points[2].tolist() == [300, 280] and h.points[2].tolist() == [300, 250]
    ins = h.insert_point(1, (250, 249))
    assert len(ins.points) == 6 and ins.points[2].tolist() == [250, 249]
    assert len(h.delete_point(0).points) == 4
    with pytest.raises(SettingsError, match="at least 2"):
        Hairline(np.array([[0.0, 0.0], [1.0, 1.0]])).delete_point(0)


def test_mirror_makes_the_line_symmetric_with_bounded_asymmetry():
    h = line().move_point(0, (100, 150))  # left temple higher than the right one
    m = h.mirrored((300, 0), keep="left")
    ys = m.points[:, 1]
    assert np.allclose(ys, ys[::-1])
    assert np.allclose(m.points[:, 0] - 300, -(m.points[::-1, 0] - 300))
    a = h.mirrored((300, 0), keep="left", asymmetry_px=4, rng=1)
    diff = np.abs(a.points[:, 1] - a.points[::-1, 1])
    assert 0 < diff.max() <= 8


def test_irregular_curve_waves_within_amplitude_and_is_reproducible():
    h = line()
    a = h.irregular_curve(macro_px=5, wavelength_px=60, rng=3)
    b = h.irregular_curve(macro_px=5, wavelength_px=60, rng=3)
    base = h.curve()
    dev = np.hypot(*(a - base).T)
    assert np.array_equal(a, b)
    assert 1.0 < dev.max() <= 5.01


def test_moving_one_point_reshapes_the_waves_near_it_only():
    pts = np.column_stack([np.linspace(0, 900, 10), 300 + 20 * np.sin(np.linspace(0, 3, 10))])
    h = Hairline(pts)
    a = h.irregular_curve(macro_px=6, wavelength_px=50, rng=2)
    b = h.move_point(5, pts[5] + (4, 30)).irregular_curve(macro_px=6, wavelength_px=50, rng=2)
    moved = np.flatnonzero(np.any(a != b, axis=1))
    assert moved.size
    # Points 3..7 span the segments the point shapes; the rest of the line keeps its waves exactly.
    c = h.curve()
    assert c[moved[0], 0] >= pts[3, 0] - 1e-6 and c[moved[-1], 0] <= pts[7, 0] + 1e-6


@pytest.mark.parametrize("name", ["juvenile", "mature", "conservative", "feminine", "edge-up"])
def test_templates_sit_on_the_head_front(name):
    frame = HeadFrame((320.0, 320.0), 250.0, 280.0)  # face toward +y (down)
    h = template_hairline(name, frame)
    assert (h.points[:, 1] > 320).all()  # in front of the head centre
    assert h.points[0, 0] < 320 < h.points[-1, 0]


def test_mature_hairline_recedes_more_at_temples_than_juvenile():
    frame = HeadFrame((320.0, 320.0), 250.0, 280.0)
    j = template_hairline("juvenile", frame)
    m = template_hairline("mature", frame)
    # temples further back (smaller y: away from the face), midline higher too
    assert m.points[0, 1] < j.points[0, 1]
    assert m.points[:, 1].max() < j.points[:, 1].max()


def test_head_frame_from_mask():
    mask = np.zeros((400, 600), bool)
    mask[100:300, 200:400] = True
    f = head_frame(mask)
    assert f.center == pytest.approx((300, 200), abs=3)
    assert f.half_across == pytest.approx(100, abs=4)


def test_json_round_trip_and_bad_files():
    h = line()
    h2 = Hairline.from_json(h.to_json())
    assert np.allclose(h2.points, h.points) and h2.face_dir == h.face_dir
    for bad, msg in [("{", "not valid JSON"), ('{"points": 3}', "number pairs"), ('{"points": [[1, 2]]}', "at least 2"),
                     ('{"points": [[0, 0], [1, 1]], "face_dir": [0, 0]}', "non-zero")]:
        with pytest.raises(SettingsError, match=msg):
            Hairline.from_json(bad)


def test_two_point_spline_is_a_straight_segment():
    c = catmull_rom(np.array([[0.0, 0.0], [10.0, 0.0]]), 10)
    assert np.allclose(c[:, 1], 0) and c[0, 0] == 0 and c[-1, 0] == 10
