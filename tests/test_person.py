"""The person network keeps a wall the head cut joined to the head from pigment."""

import cv2
import numpy as np
import pytest

from smp_studio.core.analysis import face_models, person
from smp_studio.core.analysis.scalp import treatable_scalp
from smp_studio.core.analysis.segmentation import segment
from smp_studio.resources import sample_photo


def _small(name):
    rgb = cv2.imread(str(sample_photo(name)))[..., ::-1]
    return np.ascontiguousarray(cv2.resize(rgb, (320, 320 * rgb.shape[0] // rgb.shape[1]), interpolation=cv2.INTER_AREA))


def _skin_coloured_wall(name):
    """A sample photo whose room (what the network sees as no person on the untouched photo) takes
    the client's skin colour and keeps its own pattern and shade, with the room's mask."""
    rgb = _small(name)
    wall = person.person_mask(rgb) < 0.05
    skin = segment(rgb).skin_lab
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    lab[wall, 1:] = skin[1:]
    lab[wall, 0] += skin[0] - lab[wall, 0].mean()
    return np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255, 0, 255).astype(np.uint8), wall


def test_the_network_finds_the_person_not_the_room():
    rgb = _small("front-norwood4-hairline.jpg")
    p = person.person_mask(rgb)
    h, w = p.shape
    assert p.shape == rgb.shape[:2]
    assert p[h // 4, w // 2] > 0.8  # the top of the head
    assert p[10, 10] < 0.2 and p[10, w - 10] < 0.2  # the wallpaper in the top corners


def test_a_skin_coloured_wall_beside_the_head_gets_no_pigment():
    """Wallpaper as warm as skin joins the head in the graph cut, and the skull fit reached over it:
    pigment landed on the wall. The person network keeps it off; the scalp stays treated."""
    rgb, wall = _skin_coloured_wall("front-norwood4-hairline.jpg")
    seg = segment(rgb)
    assert (seg.labels[wall] > 0).mean() > 0.05  # the cut did take wall in
    m = treatable_scalp(seg, view="front", photo_rgb=rgb).resized(wall.shape) > 0.5
    far = cv2.erode(wall.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert not (m & far).any()
    assert m[40:110, 120:220].mean() > 0.9  # the thinning top stays scalp


def _without_the_model(tmp_path, monkeypatch):
    for p in face_models.models_dir().iterdir():
        if p.name != person.MODEL:
            (tmp_path / p.name).write_bytes(p.read_bytes())
    monkeypatch.setattr(face_models, "models_dir", lambda: tmp_path)


def test_without_the_model_the_scalp_is_found_as_before(tmp_path, monkeypatch):
    rgb = _small("topdown-norwood7-fair-skin.jpg")
    seg = segment(rgb)
    before = treatable_scalp(seg, view="topdown", photo_rgb=rgb).mask
    _without_the_model(tmp_path, monkeypatch)
    assert person.person_mask(rgb) is None
    after = treatable_scalp(seg, view="topdown", photo_rgb=rgb).mask
    assert after.sum() == pytest.approx(before.sum(), rel=0.05)


def test_a_bright_bald_crown_against_a_pale_wall_keeps_its_scalp(tmp_path, monkeypatch):
    """In a tall crop the network is unsure of a lit bald crown against a pale wall (and lost the
    person altogether when the crop was stretched to its square input): unsure is not a wall,
    and the crown keeps its pigment."""
    rgb = cv2.imread(str(sample_photo("back-norwood6-strip-scar.jpg")))[..., ::-1]
    rgb = np.ascontiguousarray(rgb[:, rgb.shape[1] // 8: -rgb.shape[1] // 8])
    seg = segment(rgb)
    with_net = treatable_scalp(seg, view="back", photo_rgb=rgb).mask
    _without_the_model(tmp_path, monkeypatch)
    without = treatable_scalp(seg, view="back", photo_rgb=rgb).mask
    assert (without & ~with_net).sum() < 0.01 * without.sum()


def test_only_where_the_network_is_sure_no_one_is_there_is_the_scalp_cut(monkeypatch):
    """Unsure (a lit crown against a pale wall: p ~ 0.4) is not a wall; sure of no one (p ~ 0) is."""
    head = np.zeros((100, 100), bool)
    head[10:90, 10:90] = True
    prob = np.ones((100, 100), np.float32)
    prob[10:22, 10:90] = 0.4   # a lit crown the network hesitates over (15 % of the head)
    prob[70:90, 60:90] = 0.02  # the wall the head cut took in
    monkeypatch.setattr(person, "person_mask", lambda small: prob)
    keep = person.on_the_person(head, np.zeros((100, 100, 3), np.uint8))
    assert keep is not None
    assert keep[12:20, 20:80].all()        # the crown stays
    assert not keep[78:88, 70:88].any()    # the wall goes
