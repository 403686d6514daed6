"""Several named hairline designs in one project: kept apart, saved, compared, exported."""

import numpy as np
import pytest

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.errors import SettingsError
from smp_studio.core.io.project import Project, load_project, save_project
from smp_studio.core.model import variants as V
from smp_studio.core.model.design import Design
from smp_studio.core.model.history import History
from smp_studio.core.model.settings import Settings
from smp_studio.core.output.exports import ExportRequest, export


@pytest.fixture(scope="module")
def sim(samples_dir_module):
    return Simulation(load_photo(samples_dir_module / "front-norwood4-hairline.jpg"), Settings(seed=2))


@pytest.fixture(scope="module")
def samples_dir_module():
    from conftest import SAMPLES

    return SAMPLES


def three(sim):
    """Mature (edited line), juvenile, and a soft juvenile: what an artist would show."""
    d = V.rename(sim.design, 0, "Mature")
    d = d.with_hairline(sim.hairline.move_point(0, sim.hairline.points[0] + (0, -30)))
    d = V.add(d, "Juvenile").with_template("juvenile")
    d = V.add(d, "Soft").with_settings(transition_mm=18.0)
    return d


def test_each_design_keeps_its_own_hairline_and_settings(sim):
    d = three(sim)
    assert [v.name for v in V.designs(d)] == ["Mature", "Juvenile", "Soft"] and V.current_index(d) == 2
    with pytest.raises(SettingsError, match="at most 3"):
        V.add(d)
    back = V.switch(d, 0)
    assert back.settings.hairline_template == "mature" and back.hairline is not None
    assert back.hairline.points[0, 1] == pytest.approx(sim.hairline.points[0, 1] - 30)
    again = V.switch(back, 2)
    assert again.settings.transition_mm == 18.0 and again.settings.hairline_template == "juvenile"
    assert again.edits is back.edits and again.detection is back.detection  # the photo's parts are shared
    gone = V.remove(again, 1)
    assert [v.name for v in V.designs(gone)] == ["Mature", "Soft"] and V.current_index(gone) == 1
    assert gone.settings.transition_mm == 18.0


def test_adding_and_renaming_are_undoable_design_changes(sim):
    h = History(sim.design)
    h.push(V.add(h.present, "Edge-up"), "Add design")
    h.push(V.rename(h.present, 1, "Edge up"), "Rename design")
    assert [v.name for v in V.designs(h.present)] == ["Design 1", "Edge up"]
    h.undo()
    h.undo()
    assert h.present.variants is None and len(V.designs(h.present)) == 1


def test_designs_are_saved_with_the_project(sim, tmp_path):
    d = three(sim)
    save_project(Project.from_design(sim.photo, d, sim.detection), tmp_path / "c.smpx")
    loaded = load_project(tmp_path / "c.smpx").design()
    assert [v.name for v in V.designs(loaded)] == ["Mature", "Juvenile", "Soft"] and V.current_index(loaded) == 2
    for a, b in zip(V.designs(d), V.designs(loaded)):
        assert a.settings == b.settings and a.mirror == b.mirror
        assert (a.hairline is None) == (b.hairline is None)
        if a.hairline is not None:
            assert np.array_equal(a.hairline.points, b.hairline.points)


def test_a_broken_designs_entry_is_a_project_error(sim, tmp_path):
    from smp_studio.core.io.project import ProjectError

    p = Project.from_design(sim.photo, sim.design, sim.detection)
    p.extras["designs"] = {"items": "abc"}  # as a damaged or hand-edited file would hold
    save_project(p, tmp_path / "bad.smpx")
    with pytest.raises(ProjectError, match="designs"):
        load_project(tmp_path / "bad.smpx")


def test_the_designs_export_shows_each_design_labelled(sim):
    s = Simulation(sim.photo, design=three(sim))
    art = export(s, ExportRequest("designs", width=1200))
    img = art.image
    assert img.shape[1] == 1200
    third = 1200 // 3
    panes = [img[:, i * third + 10:(i + 1) * third - 10].astype(int) for i in range(3)]
    assert all(np.abs(panes[0] - p).mean() > 0.5 for p in panes[1:])  # three different designs
    assert [v["name"] for v in art.provenance["designs"]] == ["Mature", "Juvenile", "Soft"]
    one = export(Simulation(sim.photo, design=Design(Settings(seed=2), detection=sim.detection)),
                 ExportRequest("designs", width=800, label=False))
    half = one.image.shape[1] // 2
    before = one.image[:, :half - 4]
    assert np.abs(before.astype(int) - np.asarray(
        __import__("cv2").resize(sim.photo.rgb, (before.shape[1], before.shape[0]), interpolation=3))).mean() < 4
