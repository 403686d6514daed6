"""One export path: a request in, an artifact and its provenance out.

The CLI, the batch runner and the studio's Export dialog all describe what
they want as an :class:`ExportRequest` and call :func:`export`, so they make
the same pixels and record the same provenance for images, comparisons,
animations and the patient handout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from smp_studio import __version__
from smp_studio.core.errors import SettingsError, SmpError
from smp_studio.core.output import compare
from smp_studio.core.output.anonymise import anonymise
from smp_studio.core.output.clinic import Clinic
from smp_studio.core.output.presets import KINDS

#: Everything :func:`export` makes: the image kinds, the plain render, the handout and the wipe.
EXPORT_KINDS = KINDS + ("plain", "handout", "animation", "designs")


@dataclass(frozen=True)
class ExportRequest:
    """What to export, and how.

    ``kind`` is one of :data:`EXPORT_KINDS`. ``photo_name`` says whether the
    photo's file name (often the client's name) may appear in the export and
    its provenance.
    """

    kind: str = "after"
    width: int | None = None
    label: bool = True
    clinic: Clinic = field(default_factory=Clinic)
    brand: bool = True  # the clinic's name on images and animations
    anonymise: str | None = None
    regions: tuple = ()
    split_position: float = 0.5
    photo_name: bool = True
    preset: str = ""
    # the handout
    paper: str = "a4"
    notes: str = ""
    date: str = ""
    price: str = ""
    aged_years: float | None = None
    # the animation
    seconds: float = 4.0
    fps: int = 20
    gif: bool = False  # a GIF gets a smaller default width

    def __post_init__(self):
        if self.kind not in EXPORT_KINDS:
            raise SettingsError(f"export {self.kind!r} is not one of {', '.join(EXPORT_KINDS)}")
        if self.anonymise not in (None, "blur", "bar", "crop"):
            raise SettingsError("anonymise must be blur, bar or crop")
        object.__setattr__(self, "regions", tuple(self.regions))

    @property
    def brand_name(self) -> str:
        return self.clinic.name if self.brand else ""

    @property
    def anonymise_mode(self) -> str | None:
        """Hidden regions drawn by the artist are blurred even when no mode was chosen."""
        return self.anonymise or ("blur" if self.regions else None)


@dataclass
class Artifact:
    """A finished export: exactly one of ``image``, ``pdf`` or ``frames``, and its provenance."""

    kind: str
    provenance: dict
    image: np.ndarray | None = None
    pdf: bytes | None = None
    frames: list | None = None
    fps: int = 20
    hidden: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def write(self, path) -> Path:
        """Write atomically; images carry the provenance, never camera metadata."""
        from smp_studio.core.io.atomic import atomic_write
        from smp_studio.core.io.imageio import save_image
        from smp_studio.core.output.animation import write_animation

        path = Path(path)
        if self.image is not None:
            return save_image(path, self.image, settings=self.provenance)
        if self.pdf is not None:
            if path.suffix.lower() != ".pdf":
                raise SmpError(f"{path.name}: a handout is a .pdf file")
            atomic_write(path, self.pdf)
            return path
        return write_animation(path, self.frames, fps=self.fps)


def provenance(sim, req: ExportRequest, **extra) -> dict:
    """The settings that made an export, recorded in it (one definition for every export)."""
    d = sim.settings.to_dict()
    sc = sim.scale
    d.update(px_per_mm=sc.px_per_mm, scale_source=sc.source, software=f"smp-studio {__version__}", export=req.kind,
             simulation_label=req.label or req.kind == "handout", photo_name_recorded=req.photo_name)
    if req.photo_name:
        d["photo"] = sim.photo.name
    if req.preset:
        d["preset"] = req.preset
    if sim.hairline is not None:
        d["hairline"] = sim.hairline.to_dict()
    if sim.settings.treatment == "scar" or sim.has_scalp:
        if w := sim.figures().warnings:  # pigment somewhere unusual is part of the record
            d["warnings"] = list(w)
    if req.kind == "designs" and getattr(sim.design, "variants", None) is not None:
        from smp_studio.core.model.variants import designs

        d["designs"] = [v.to_dict() for v in designs(sim.design)]  # each option's own settings and line
    d.update(extra)
    return d


def export(sim, req: ExportRequest, *, progress=None) -> Artifact:
    """Make what ``req`` asks for from a simulation.

    Examples
    --------
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> from smp_studio.core.engine.simulation import Simulation
    >>> from smp_studio.resources import sample_photo
    >>> sim = Simulation(load_photo(sample_photo()))
    >>> art = export(sim, ExportRequest("split", width=400))
    >>> art.image.shape[1], art.provenance["export"], art.provenance["simulation_label"]
    (400, 'split', True)
    """
    progress = progress or (lambda f, m: None)
    if req.kind == "handout":
        from smp_studio.core.output.handout import handout_bytes, prepare

        data = prepare(sim, aged_years=req.aged_years, notes=req.notes, date=req.date, price=req.price)
        if not req.photo_name:
            data.photo_name = ""
        progress(0.7, "Writing the handout...")
        prov = provenance(sim, req)
        return Artifact("handout", prov, pdf=handout_bytes(data, req.clinic, paper=req.paper, settings=prov))
    if req.kind == "animation":
        from smp_studio.core.output.animation import wipe_frames

        before, after, found = hidden_pair(sim.photo.rgb, sim.render(), req.anonymise_mode, req.regions)
        progress(0.4, "Drawing the frames...")
        frames = wipe_frames(before, after, seconds=req.seconds, fps=req.fps, label=req.label,
                             width=req.width or (480 if req.gif else 720), brand=req.brand_name)
        return _finish(Artifact("animation", {}, frames=frames, fps=req.fps), sim, req, found)
    if req.kind == "designs":  # the project's hairline designs next to each other
        from smp_studio.core.output.designs import designs_image

        img, found = designs_image(sim, width=req.width, label=req.label, brand=req.brand_name,
                                   anonymise_mode=req.anonymise_mode, regions=req.regions)
        return _finish(Artifact("designs", {}, image=img), sim, req, found)
    if req.kind == "plain":
        return _finish(Artifact("plain", {}, image=resize_width(sim.render(), req.width)), sim, req, [])
    img, found = _image(sim, req.kind, req.width, req.label, req.brand_name, req.anonymise_mode, req.regions,
                        req.split_position)
    return _finish(Artifact(req.kind, {}, image=img), sim, req, found)


def _finish(art: Artifact, sim, req: ExportRequest, found: list) -> Artifact:
    art.hidden = list(found)
    if req.anonymise and not any(r.kind == "face" for r in found):
        art.warnings.append("no face found to hide" + ("; only the regions given are hidden" if found else
                                                        ": nothing was hidden (add a region to hide)"))
    art.provenance = provenance(sim, req, anonymised=bool(found),
                                hidden=sorted({r.kind for r in found}))
    return art


def resize_width(img: np.ndarray, width: int | None) -> np.ndarray:
    if not width or img.shape[1] == width:
        return img
    h = max(int(round(img.shape[0] * width / img.shape[1])), 1)
    interp = cv2.INTER_AREA if width < img.shape[1] else cv2.INTER_CUBIC
    return cv2.resize(img, (width, h), interpolation=interp)


def hidden_pair(before: np.ndarray, after: np.ndarray, mode: str | None, regions=()) -> tuple:
    """Anonymise a before/after pair alike: the regions found on the before are hidden on both."""
    if not mode:
        return before, after, []
    first, found = anonymise(before, mode=mode, regions=list(regions))
    second, _ = anonymise(after, mode=mode, regions=found, detect_faces=False)
    return first, second, found


def export_image(sim, kind: str, *, width: int | None = None, label: bool = True, brand: str = "",
                 anonymise_mode: str | None = None, regions=(), split_position: float = 0.5) -> np.ndarray:
    """The image for one export kind (see :func:`export` for the whole artifact)."""
    return _image(sim, kind, width, label, brand, anonymise_mode, regions, split_position)[0]


def _image(sim, kind, width, label, brand, anonymise_mode, regions, split_position) -> tuple[np.ndarray, list]:
    """Anonymisation runs on before and after alike, then everything is resized, and labels come
    last so they stay legible."""
    if kind not in KINDS:
        raise SettingsError(f"export {kind!r} is not one of {', '.join(KINDS)}")
    after = sim.render()
    first = sim.render(state="fresh", session=1) if kind == "fresh-vs-healed" else sim.photo.rgb
    first, after, found = hidden_pair(first, after, anonymise_mode, regions)
    pair = (first, after)
    # ``width`` is the finished image's width: a pair shares it.
    each = width
    if width and kind in ("side-by-side", "fresh-vs-healed"):
        each = (width - max(4, width // 200)) // 2
    a, b = (resize_width(x, each) for x in pair)
    if kind == "after":
        return compare.labelled(b, label=label, brand=brand), found
    if kind == "split":
        return compare.split(a, b, split_position, label=label, brand=brand), found
    titles = ("Right after session 1", "Healed") if kind == "fresh-vs-healed" else ("Before", "After (simulation)")
    gap = (width - 2 * each) if width else None
    return compare.side_by_side(a, b, label=label, titles=titles, brand=brand, gap=gap), found
