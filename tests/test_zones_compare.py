import numpy as np
import pytest

from conftest import synthetic_head
from smp_studio.core import SettingsError
from smp_studio.core.output import compare
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.model.scale import Scale
from smp_studio.core.analysis.segmentation import from_labels
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.engine.zones import treatment_zone


@pytest.fixture
def head():
    img, truth = synthetic_head(size=400)
    return img, from_labels(truth, img)


def hline():
    return Hairline(np.array([[80.0, 260.0], [200.0, 290.0], [320.0, 260.0]]), (0.0, 1.0))


def test_full_zone_is_behind_the_hairline_and_fades_into_hair(head):
    img, seg = head
    z = treatment_zone(seg, Settings(), Scale(2.5), hairline=hline())
    assert z.sample(np.array([[200.0, 200.0]]))[0] == pytest.approx(1.0)
    assert z.sample(np.array([[200.0, 200.0]]), "depth")[0] > 0
    assert z.sample(np.array([[200.0, 340.0]]), "depth")[0] < 0  # in front of the line
    assert z.sample(np.array([[5.0, 5.0]]))[0] == 0  # background
    deep_hair = z.sample(np.array([[200.0, 40.0]]))[0]
    assert deep_hair < 1.0


def test_density_zone_follows_the_skin_showing(head):
    img, truth = synthetic_head(size=400)
    truth = truth.copy()
    truth[180:220, 100:140] = 2  # a thinning patch
    seg = from_labels(truth, img)
    z = treatment_zone(seg, Settings(treatment="density"), Scale(2.5))
    assert z.avoid_hair
    thin = z.sample(np.array([[120.0, 200.0]]))[0]
    assert thin > 0.3  # skin shows between the hairs
    assert z.sample(np.array([[200.0, 200.0]]))[0] > thin  # more skin shows: more dots
    assert z.sample(np.array([[200.0, 45.0]]))[0] == 0  # never on dense hair


def test_hairline_band_crown_and_scar(head):
    img, seg = head
    band = treatment_zone(seg, Settings(treatment="hairline", hairline_band_mm=20), Scale(2.5), hairline=hline())
    assert band.sample(np.array([[200.0, 270.0]]))[0] > 0.9
    assert band.sample(np.array([[200.0, 150.0]]))[0] == 0  # 50 mm behind the line
    crown = treatment_zone(seg, Settings(treatment="crown", crown_radius_mm=20), Scale(2.5), crown_center=(200, 150))
    assert crown.sample(np.array([[200.0, 150.0]]))[0] > 0.9 and crown.sample(np.array([[200.0, 280.0]]))[0] == 0
    scar = np.zeros(seg.labels.shape, bool)
    scar[150:156, 100:300] = True
    z = treatment_zone(seg, Settings(treatment="scar"), Scale(2.5), scar_mask=scar)
    assert z.sample(np.array([[200.0, 153.0]]))[0] == 1 and z.sample(np.array([[200.0, 250.0]]))[0] == 0
    empty = treatment_zone(seg, Settings(treatment="scar"), Scale(2.5))
    assert empty.bbox() is None and "Scar brush" in empty.hint  # a hint, not a crash
    with pytest.raises(SettingsError, match="needs a hairline"):
        treatment_zone(seg, Settings(treatment="hairline"), Scale(2.5))


def test_treatment_area_in_cm2(head):
    img, seg = head
    sim = Simulation(Photo.from_array(img), Settings(treatment="crown", crown_radius_mm=30, px_per_mm=2.5),
                     segmentation=seg, crown_center=(200, 150))
    assert sim.treatment_area_cm2() == pytest.approx(np.pi * 3.0**2, rel=0.25)


def test_split_shows_before_left_after_right_with_a_visible_label():
    b = np.full((400, 600, 3), 60, np.uint8)
    a = np.full((400, 600, 3), 180, np.uint8)
    plain = compare.split(b, a, 0.5, label=False)
    out = compare.split(b, a, 0.5)
    assert plain[200, 100, 0] == 60 and plain[200, 500, 0] == 180
    assert (plain[:, 299:301] == 255).all()  # the divider
    bottom = np.abs(out[-40:].astype(int) - plain[-40:].astype(int)).sum(axis=2)
    assert (bottom > 100).sum() > 200  # the "Simulation" banner is drawn in pixels
    assert (np.abs(out[:40, :200].astype(int) - plain[:40, :200].astype(int)).sum(axis=2) > 100).sum() > 50  # "Before"


def test_side_by_side_layout_and_label():
    b = np.zeros((100, 150, 3), np.uint8)
    a = np.full((100, 150, 3), 255, np.uint8)
    out = compare.side_by_side(b, a, label=False, gap=10)
    assert out.shape == (100, 310, 3)
    assert out[50, 10, 0] == 0 and out[50, 300, 0] == 255
    labelled = compare.side_by_side(b, a, gap=10)
    assert (labelled != out).any()
    with pytest.raises(ValueError, match="differ"):
        compare.split(b, a[:50])


def test_the_edge_of_a_full_head_of_hair_is_not_inked_but_a_bald_silhouette_is():
    """Hair seen edge-on at the silhouette thins out against the wall and reads as thinning: it is
    the edge of the hair, not a thin patch. Bald skin out to the silhouette is treated to the edge."""
    yy, xx = np.mgrid[0:400, 0:400]
    r = np.hypot(xx - 200, yy - 200)
    labels = np.zeros((400, 400), np.uint8)
    labels[r < 150] = 3  # hair ...
    labels[(r < 150) & (r >= 138)] = 2  # ... thinning out at the silhouette
    labels[(r < 150) & (xx > 260)] = 1  # a bald patch out to the silhouette on the right
    img = np.where(labels[..., None] == 1, 200, 60).astype(np.uint8).repeat(3, 2)
    seg = from_labels(labels, img)
    z = treatment_zone(seg, Settings(), Scale(4.0))
    at = lambda x, y: z.sample(np.array([[float(x), float(y)]]))[0]  # noqa: E731
    assert at(200, 56) < 0.1  # the thinning rim at the top of the hair: the hair's edge
    assert at(200, 140) < at(342, 200)  # not more than bald skin ...
    assert at(342, 200) > 0.9  # ... which is treated out to the silhouette (but for its last millimetre)
