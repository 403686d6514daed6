"""Render many photos or projects with one preset, on every core.

Each input is rendered in a worker process by the same code as a single
export, so a batch image is pixel for pixel what ``simulate``/``compare``
would have written. A failure is recorded with its reason and the batch goes
on.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from smp_studio.core.errors import SmpError

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif", ".bmp"}


@dataclass
class Outcome:
    input: str
    outputs: list
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def collect_inputs(items) -> list[Path]:
    """Photos and projects from files and folders (a folder's own files, sorted)."""
    out: list[Path] = []
    for it in items:
        p = Path(it)
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and
                          (f.suffix.lower() in PHOTO_SUFFIXES or f.suffix.lower() == ".smpx"))
        else:
            out.append(p)  # a missing file is reported as that input's failure
    return out


def render_one(path: str, preset: dict, out_dir: str, clinic: dict | None = None) -> Outcome:
    """Everything the preset asks for, for one input (runs in a worker process)."""
    from smp_studio import __version__
    from smp_studio.core.output.clinic import Clinic
    from smp_studio.core.output.exports import Preset, export_image
    from smp_studio.core.io.imageio import save_image

    try:
        pr = Preset.from_dict(preset, preset.get("name", "batch"))
        sim = simulation_for(path, pr.settings)
        brand = Clinic.from_dict(clinic).name if clinic else ""
        written = []
        stem = Path(path).stem
        for kind in pr.exports:
            img = export_image(sim, kind, width=pr.width, label=pr.label, brand=brand, anonymise_mode=pr.anonymise)
            target = Path(out_dir) / f"{stem}-{kind}.{pr.format}"
            record = dict(sim.settings.to_dict(), px_per_mm=sim.scale.px_per_mm, photo=sim.photo.name,
                          export=kind, preset=pr.name, simulation_label=pr.label,
                          software=f"smp-studio {__version__}")
            save_image(target, img, settings=record)
            written.append(str(target))
        return Outcome(str(path), written)
    except SmpError as e:
        return Outcome(str(path), [], str(e))
    except Exception as e:  # a bug must not stop the other inputs
        return Outcome(str(path), [], f"{type(e).__name__}: {e}")


def simulation_for(path, settings: dict):
    """A simulation for a photo (with these settings) or a project (its own design, then these)."""
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.io.project import load_project
    from smp_studio.core.model.settings import Settings
    from smp_studio.core.engine.simulation import Simulation

    path = Path(path)
    if path.suffix.lower() == ".smpx":
        proj = load_project(path)
        proj.settings = Settings.from_dict(dict(proj.settings.to_dict(), **settings))
        return proj.simulation()
    from smp_studio.core.analysis.view import settings_with_view

    photo = load_photo(path)
    settings, guess = settings_with_view(photo.rgb, settings)  # the preset's view, else the photo's own
    return Simulation(photo, Settings.from_dict(settings), face=guess.face)


def run_batch(inputs, preset: dict, out_dir, *, workers: int | None = None, clinic: dict | None = None,
              progress=None) -> list[Outcome]:
    """Render every input; ``progress(done, total, outcome)`` after each one."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = collect_inputs(inputs)
    if not files:
        raise SmpError("no photos or projects to render")
    workers = workers or min(os.cpu_count() or 1, len(files))
    results: list[Outcome] = []
    if workers <= 1:
        for i, f in enumerate(files, 1):
            results.append(render_one(str(f), preset, str(out), clinic))
            if progress:
                progress(i, len(files), results[-1])
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(render_one, str(f), preset, str(out), clinic): f for f in files}
        for i, fut in enumerate(as_completed(futures), 1):
            try:
                results.append(fut.result())
            except Exception as e:  # the worker process itself died
                results.append(Outcome(str(futures[fut]), [], f"worker failed: {type(e).__name__}: {e}"))
            if progress:
                progress(i, len(files), results[-1])
    order = {str(f): k for k, f in enumerate(files)}
    return sorted(results, key=lambda r: order.get(r.input, 0))


def summary(results: list[Outcome]) -> str:
    ok = [r for r in results if r.ok]
    bad = [r for r in results if not r.ok]
    lines = [f"{len(ok)} of {len(results)} rendered, {sum(len(r.outputs) for r in ok)} files written"]
    if bad:
        lines.append(f"{len(bad)} failed:")
        for r in bad:
            name = Path(r.input).name
            lines.append(f"  {r.error}" if r.error.startswith(name) else f"  {name}: {r.error}")
    return "\n".join(lines)
