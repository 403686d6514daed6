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


def render_one(path: str, preset: dict, out_dir: str, clinic: dict | None = None, index: int = 1) -> Outcome:
    """Everything the preset asks for, for one input (runs in a worker process)."""
    from smp_studio.core.io.opening import open_simulation
    from smp_studio.core.output.clinic import Clinic
    from smp_studio.core.output.exports import ExportRequest, export
    from smp_studio.core.output.presets import Preset

    try:
        pr = Preset.from_dict(preset, preset.get("name", "batch"))
        sim = open_simulation(path, settings=pr.settings).sim
        cl = Clinic.from_dict(clinic) if clinic else Clinic()
        named = cl.photo_names if pr.photo_name is None else pr.photo_name
        # Without the photo's name (often the client's), files are numbered in input order.
        stem = Path(path).stem if named else f"photo-{index:03d}"
        written = []
        for kind in pr.exports:
            req = ExportRequest(kind, width=pr.width, label=pr.label, clinic=cl, anonymise=pr.anonymise,
                                photo_name=named, preset=pr.name)
            written.append(str(export(sim, req).write(Path(out_dir) / f"{stem}-{kind}.{pr.format}")))
        return Outcome(str(path), written)
    except SmpError as e:
        return Outcome(str(path), [], str(e))
    except Exception as e:  # a bug must not stop the other inputs
        return Outcome(str(path), [], f"{type(e).__name__}: {e}")


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
            results.append(render_one(str(f), preset, str(out), clinic, i))
            if progress:
                progress(i, len(files), results[-1])
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(render_one, str(f), preset, str(out), clinic, k): f for k, f in enumerate(files, 1)}
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
