"""A face looking down that the face search cannot believe is still a front view."""

import numpy as np

from smp_studio.core.analysis import view
from smp_studio.core.analysis.downcast import STEADY_DRIFT, downcast_drift
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.view import decide, layout_features


def test_the_mesh_stays_on_a_face_looking_down_and_on_no_crown_or_back(samples_dir):
    # The front sample is a man looking down at the camera, brows and lowered eyes low in the frame.
    front = view._small(load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb)
    assert downcast_drift(front) <= STEADY_DRIFT
    for name in ("crown-norwood4-diffuse-thinning.jpg", "topdown-norwood6-grey-hair.jpg",
                 "topdown-norwood7-dark-skin.jpg", "back-norwood6-strip-scar.jpg"):
        assert downcast_drift(view._small(load_photo(samples_dir / name).rgb)) > STEADY_DRIFT, name
    # Bare skin where the eyes were (lit, lighter than the cheeks): a crown, however steady.
    lit = front.copy()
    lit[450:530, 150:500] = np.percentile(front[380:440, 250:420].reshape(-1, 3), 95, axis=0).astype(np.uint8)
    assert downcast_drift(lit) > STEADY_DRIFT


def test_a_face_looking_down_that_no_face_cue_believes_is_a_front(samples_dir, monkeypatch):
    rgb = load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb
    # The search confirmed no face and the mesh's presence is as low as on a crown (as on about 30
    # fronts looking down in the development set): only the steady mesh tells a front.
    monkeypatch.setattr(view, "face_presence", lambda *a, **k: (0.0, 0.0))
    g = view.classify_view(rgb, face=None)
    assert g.view == "front" and g.uncertain  # the studio still asks
    monkeypatch.setattr(view, "downcast_drift", lambda *a, **k: float("inf"))
    assert view.classify_view(rgb, face=None).view == "topdown"


def test_only_a_steady_mesh_makes_a_crown_layout_a_front():
    yy, xx = np.mgrid[0:128, 0:128]
    crown = np.zeros((128, 128), np.uint8)
    crown[(yy - 60) ** 2 + (xx - 64) ** 2 < 52 ** 2] = 1  # a bald dome filling the frame
    f = {**layout_features(crown), "nose_offset": 0.0, "detector_score": 0.0}
    assert decide(f, None).view == "topdown"
    assert decide({**f, "downcast_drift": STEADY_DRIFT + 0.05}, None).view == "topdown"
    g = decide({**f, "downcast_drift": STEADY_DRIFT - 0.05}, None)
    assert g.view == "front" and g.uncertain
