"""One loader for the CLI, batch and the studio: a photo or a project, with overrides.

A project opens as exactly the design that was saved; a photo opens with
default settings. Either way, settings, a hairline, corrected labels and a
scar mask given by the caller go on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from smp_studio.core.analysis.photo import Photo, load_photo
from smp_studio.core.analysis.segmentation import from_labels
from smp_studio.core.analysis.view import ViewGuess, classify_view
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.errors import SmpError
from smp_studio.core.io.project import Project, load_project
from smp_studio.core.model.design import Design
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.layer import Layer
from smp_studio.core.model.settings import Settings


@dataclass
class Opened:
    """A simulation ready to render, the project it came from (None for a photo), and what to tell."""

    sim: Simulation
    project: Project | None = None
    view_guess: ViewGuess | None = None  # when the view was detected, not chosen
    warnings: list = field(default_factory=list)

    @property
    def notes(self) -> str:
        return self.sim.design.notes


def is_project(path) -> bool:
    return str(path).lower().endswith(".smpx")


def merged_settings(base: Settings | None, overrides: dict | None) -> Settings:
    """``base`` with ``overrides`` on top; naming only the session count shows its last session."""
    d = base.to_dict() if base is not None else {}
    over = dict(overrides or {})
    if "sessions" in over and "session" not in over:
        over["session"] = over["sessions"]
    d.update(over)
    return Settings.from_dict(d)


def open_simulation(source, *, settings: dict | None = None, hairline: Hairline | None = None,
                    labels: np.ndarray | None = None, scar: np.ndarray | None = None,
                    view_guess: ViewGuess | None = None) -> Opened:
    """Open a photo or a ``.smpx`` project as a simulation.

    Parameters
    ----------
    source : path, Photo or Project
    settings : dict, keyword-only
        Settings to change (on top of the project's own).
    hairline : Hairline, keyword-only
    labels : ndarray (H, W) of 0..3, keyword-only
        A corrected segmentation; replaces detection and any brush edits.
    scar : ndarray bool (H, W), keyword-only
    view_guess : ViewGuess, keyword-only
        The view already detected on this photo (its face in this photo's pixels), so it is not
        looked for again.

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> o = open_simulation(sample_photo(), settings={"sessions": 2})
    >>> o.project is None, o.sim.settings.session, o.sim.settings.view  # the view is detected
    (True, 2, 'topdown')
    """
    project = None
    if isinstance(source, Photo):
        photo, design = source, Design()
    elif isinstance(source, Project) or is_project(source):
        project = source if isinstance(source, Project) else load_project(source)
        photo, design = project.photo, project.design()
    else:
        photo, design = load_photo(source), Design()
    if settings:
        design = design.with_settings(**_changes(design.settings, merged_settings(design.settings, settings)))

    if labels is not None:
        try:
            design = design.with_(detection=from_labels(labels, photo.rgb), edits=None)
        except ValueError as e:
            raise SmpError(str(e)) from None
    if hairline is not None:
        design = design.with_hairline(hairline)
    if scar is not None:
        design = design.with_layer("scar", Layer.from_array(np.asarray(scar, bool), False))
    sim = Simulation(photo, design=design)
    guess, warnings = None, []
    if project is None and not (settings or {}).get("view"):
        # A photo's view is detected (a project's was saved; a chosen one always wins).
        guess = view_guess if view_guess is not None else classify_view(photo.rgb)
        warnings += apply_view(sim, guess)
    if project is None and not (settings or {}).get("treatment"):
        sim.design = sim.design.with_settings(treatment=suggested_treatment(sim))
    return Opened(sim, project, guess, warnings)


#: Share of the treatable scalp under hair from which a photo opens as a density treatment, thinning
#: hair counting half: half or more of the scalp still has its hair (Norwood 2-3 mostly: 77 % of
#: them on a third of the development set, against 16 % of Norwood 5-7), so the client keeps it and
#: dots go between the hairs. (Dense hair alone: 69 % and 11 %; a diffuse thinning crown then had
#: its hair clipped to a felt disc, and long hair over a bald top into a grey cloud.)
DENSITY_FROM_HAIR = 0.5


def suggested_treatment(sim: Simulation) -> str:
    """The treatment a photo opens with: ``"density"`` while most of the scalp has hair (thinning
    hair counting half), else ``"full"``.

    The full shaved look clips what hair is left; on a head that still has most of it, that
    preview is a haircut rather than a treatment (and the domain's full look is Norwood 5-7).
    The artist changes it in the panel, or with ``--treatment``.

    >>> from smp_studio.resources import sample_photo
    >>> suggested_treatment(open_simulation(sample_photo(), settings={"treatment": "full"}).sim)
    'full'
    """
    scalp = sim.scalp
    if not scalp.has_scalp or not scalp.mask.any():
        return "full"
    seg = sim.detection
    hair = 1.0 - seg.bald_fraction(within=scalp.resized(seg.labels.shape) > 0.5)
    return "density" if hair >= DENSITY_FROM_HAIR else "full"


def apply_view(sim: Simulation, guess: ViewGuess) -> list[str]:
    """Give ``sim`` the detected view and face; the warnings to show (an uncertain view)."""
    sim.design = sim.design.with_settings(view=guess.view)
    sim.face = guess.face
    if guess.uncertain:
        return [f"the photo looks like a {guess.view} view, but only {guess.confidence:.0%} sure; "
                "choose the view to be certain"]
    return []


def apply_opening(sim: Simulation, guess: ViewGuess) -> list[str]:
    """A photo's detected view and the treatment suggested for it, as it opens; the warnings."""
    warnings = apply_view(sim, guess)
    sim.design = sim.design.with_settings(treatment=suggested_treatment(sim))
    return warnings


def _changes(old: Settings, new: Settings) -> dict:
    return {k: getattr(new, k) for k in new.__dataclass_fields__ if getattr(new, k) != getattr(old, k)}


def source_name(source) -> str:
    return source.name if isinstance(source, Photo) else Path(source).name
