"""What each command of ``smp-studio-cli`` does, on the Qt-free core.

Every command opens its input through the one loader
(:func:`~smp_studio.core.io.opening.open_simulation`) and writes through the one
export path (:func:`~smp_studio.core.output.exports.export`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from smp_studio.core.errors import NoScalpError, SettingsError, SmpError

#: Command-line options that are settings, by their settings name.
SETTING_OPTIONS = ("treatment", "view", "hairline_template", "density_per_cm2", "dot_size_mm", "hair_color", "dilution",
                   "session", "sessions", "state", "aged_years", "seed", "px_per_mm")


# --- inputs --------------------------------------------------------------------------------

def _source(args):
    """The photo or project path the command names (or a bundled sample)."""
    from smp_studio.resources import sample_photo

    if args.sample and args.photo:
        raise SmpError("give a photo or --sample, not both")
    if args.sample:
        try:
            return sample_photo(args.sample)
        except FileNotFoundError as e:
            raise SmpError(str(e)) from None
    if not args.photo:
        raise SmpError("no photo given (a path, or --sample NAME)")
    return args.photo


def _read_png_mask(path, shape, what) -> np.ndarray:
    from PIL import Image

    try:
        with Image.open(path) as im:
            a = np.asarray(im.convert("L"))
    except FileNotFoundError:
        raise SmpError(f"{path}: no such file") from None
    except OSError as e:
        raise SmpError(f"{path}: not a readable PNG ({e})") from None
    if a.shape != tuple(shape):
        raise SmpError(f"{path}: {what} is {a.shape[1]}x{a.shape[0]} but the photo is {shape[1]}x{shape[0]}")
    return a


def _settings_overrides(args) -> dict:
    from smp_studio.core.model.scale import Scale

    over: dict = {}
    if args.settings:
        try:
            over.update(json.loads(Path(args.settings).read_text()))
        except FileNotFoundError:
            raise SettingsError(f"{args.settings}: no such file") from None
        except json.JSONDecodeError as e:
            raise SettingsError(f"{args.settings}: not valid JSON ({e.msg}, line {e.lineno})") from None
        if not isinstance(over, dict):
            raise SettingsError(f"{args.settings}: settings must be a JSON object")
    over.update({k: getattr(args, k) for k in SETTING_OPTIONS if getattr(args, k, None) is not None})
    if args.calibrate:
        try:
            x0, y0, x1, y1, mm = (float(v) for v in args.calibrate.split(","))
        except ValueError:
            raise SettingsError("--calibrate takes X0,Y0,X1,Y1,MM, e.g. 100,200,400,200,50") from None
        over["px_per_mm"] = Scale.from_calibration((x0, y0), (x1, y1), mm).px_per_mm
        over["scale_source"] = "calibrated"
    return over


def _open(args):
    """The simulation the design options describe (a photo or a project, with overrides)."""
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.io.opening import is_project, open_simulation
    from smp_studio.core.io.project import load_project
    from smp_studio.core.model.hairline import Hairline

    source = _source(args)
    src = load_project(source) if is_project(source) else load_photo(source)
    shape = (src.photo if is_project(source) else src).rgb.shape[:2]
    hairline = labels = scar = None
    if args.hairline:
        try:
            hairline = Hairline.from_json(Path(args.hairline).read_text())
        except FileNotFoundError:
            raise SettingsError(f"{args.hairline}: no such file") from None
        except SettingsError as e:
            raise SettingsError(f"{args.hairline}: {e}") from None
    if args.labels:
        labels = _read_png_mask(args.labels, shape, "the label image")
    if args.scar_mask:
        scar = _read_png_mask(args.scar_mask, shape, "the scar mask") > 127
    opened = open_simulation(src, settings=_settings_overrides(args), hairline=hairline, labels=labels, scar=scar)
    args.warnings = list(opened.warnings)
    if args.save_hairline and opened.sim.hairline is not None:
        Path(args.save_hairline).write_text(opened.sim.hairline.to_json())
    return opened


def _clinic(args):
    from smp_studio.core.output.clinic import Clinic

    return Clinic.load(args.clinic) if getattr(args, "clinic", None) else Clinic()


def _request(args, kind: str, **kw):
    from smp_studio.core.output.anonymise import Region
    from smp_studio.core.output.exports import ExportRequest

    clinic = _clinic(args)
    regions = tuple(Region.parse(r) for r in getattr(args, "region", []))
    return ExportRequest(kind, width=getattr(args, "width", None), label=not getattr(args, "no_label", False),
                         clinic=clinic, anonymise=getattr(args, "anonymise", None), regions=regions,
                         photo_name=clinic.photo_names, **kw)


def _warn(args, artifact=None) -> None:
    """Warnings, said once the command has worked (a failure stays one clear line)."""
    for w in getattr(args, "warnings", []) + (artifact.warnings if artifact is not None else []):
        print(f"smp-studio-cli: warning: {w}", file=sys.stderr)


# --- commands ------------------------------------------------------------------------

def cmd_segment(args) -> int:
    from PIL import Image

    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.analysis.segmentation import segment
    from smp_studio.core.io.atomic import atomic_write
    from smp_studio.core.io.imageio import save_image
    from smp_studio.core.io.opening import is_project
    from smp_studio.core.io.project import load_project

    source = _source(args)
    photo = load_project(source).photo if is_project(source) else load_photo(source)
    hints = _read_png_mask(args.hints, photo.rgb.shape[:2], "the hint image") if args.hints else None
    seg = segment(photo.rgb, hints=hints)
    out = Path(args.output)
    atomic_write(out, lambda f: Image.fromarray(seg.labels, "L").save(f, format="PNG"))
    if args.overlay:
        from smp_studio.core.engine.overlay import overlay

        save_image(args.overlay, overlay(photo.rgb, seg.labels))
    areas = seg.class_areas_px()
    print(f"{out}: {photo.width}x{photo.height}, bald {areas['bald skin']} px, thinning {areas['thinning']} px, "
          f"dense hair {areas['dense hair']} px")
    return 0


def cmd_simulate(args) -> int:
    from smp_studio.core.output.exports import ExportRequest, export

    sim = _open(args).sim
    try:
        fg = sim.figures()
    except NoScalpError:  # no scalp, no ink: nothing is written
        print(f"no bald or thinning scalp found in {args.photo or args.sample}", file=sys.stderr)
        return 1
    art = export(sim, ExportRequest("plain", width=args.width, label=False, photo_name=_clinic(args).photo_names))
    art.write(args.output)
    s = sim.settings
    print(f"{args.output}: {len(sim.session_dots())} impressions over {fg.area_cm2:.0f} cm² "
          f"(session {s.session} of {s.sessions}, {s.state})")
    args.warnings = getattr(args, "warnings", []) + list(fg.warnings) + ([fg.hint] if fg.hint else [])
    _warn(args, art)
    return 0


def cmd_compare(args) -> int:
    from smp_studio.core.output.exports import export

    sim = _open(args).sim
    art = export(sim, _request(args, args.mode, split_position=args.position))
    art.write(args.output)
    _warn(args, art)
    print(f"{args.output}: {args.mode}" + ("" if not args.no_label else " WITHOUT the simulation label (recorded)"))
    return 0


def cmd_handout(args) -> int:
    from smp_studio.core.output.exports import export

    opened = _open(args)
    notes = args.notes if args.notes is not None else opened.notes
    art = export(opened.sim, _request(args, "handout", paper=args.paper, notes=notes, date=args.date, price=args.price))
    art.write(args.output)
    _warn(args, art)
    sim = opened.sim
    print(f"{args.output}: 3 pages ({args.paper.upper()}), {sim.treatment_area_cm2():.0f} cm², "
          f"{len(sim.dots.for_session(sim.settings.with_(session=sim.settings.sessions))):,} impressions")
    return 0


def cmd_animate(args) -> int:
    from smp_studio.core.output.exports import export

    sim = _open(args).sim
    art = export(sim, _request(args, "animation", seconds=args.seconds, fps=args.fps,
                               gif=str(args.output).lower().endswith(".gif")))
    art.write(args.output)
    _warn(args, art)
    print(f"{args.output}: {len(art.frames)} frames at {args.fps} fps"
          + ("" if not args.no_label else ", WITHOUT the simulation label"))
    return 0


def cmd_anonymise(args) -> int:
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.io.imageio import save_image
    from smp_studio.core.output.anonymise import Region, anonymise

    photo = load_photo(_source(args))
    regions = [Region.parse(r) for r in args.region]
    img, found = anonymise(photo.rgb, mode=args.mode, regions=regions, detect_faces=not args.no_detect)
    save_image(args.output, img, settings={"anonymised": bool(found), "hidden": sorted({r.kind for r in found})})
    if not args.no_detect and not any(r.kind == "face" for r in found):
        print("smp-studio-cli: warning: no face found" + ("" if found else ": nothing was hidden"), file=sys.stderr)
    kinds = ", ".join(sorted({r.kind for r in found})) or "nothing found: add --region X,Y,W,H"
    print(f"{args.output}: {args.mode}; hid {len(found)} region(s) ({kinds})")
    return 0


def cmd_batch(args) -> int:
    from smp_studio.core.output.batch import run_batch, summary
    from smp_studio.core.output.presets import load_preset

    pr = load_preset(args.preset)
    clinic = _clinic(args).to_dict() if args.clinic else None

    def progress(done, total, outcome):
        bar = "#" * int(30 * done / total)
        mark = "ok" if outcome.ok else "FAILED"
        print(f"\r[{bar:<30}] {done}/{total} {Path(outcome.input).name[:40]:<40} {mark}", end="", file=sys.stderr,
              flush=True)

    results = run_batch(args.inputs, pr.to_dict(), args.out, workers=args.workers, clinic=clinic, progress=progress)
    print(file=sys.stderr)
    print(summary(results))
    return 0 if all(r.ok for r in results) else 1


def cmd_presets(args) -> int:
    from smp_studio.core.output.presets import builtin_presets, load_preset

    for name in builtin_presets():
        print(f"{name:<20} {load_preset(name).description}")
    return 0


def cmd_project(args) -> int:
    from dataclasses import replace

    from smp_studio.core.io.project import Project, save_project

    if not str(args.output).lower().endswith(".smpx"):
        raise SmpError(f"{args.output}: a project file ends in .smpx")
    opened = _open(args)
    sim = opened.sim
    design = replace(sim.design, notes=args.notes) if args.notes else sim.design
    old = opened.project
    proj = Project.from_design(sim.photo, design, sim.detection, created=old.created if old else "",
                               extras=old.extras if old else None)
    save_project(proj, args.output)
    _warn(args)
    print(f"{args.output}: {sim.photo.name}, {len(sim.session_dots())} impressions, seed {sim.settings.seed}")
    return 0


def cmd_info(args) -> int:
    from smp_studio.core.io.opening import open_simulation

    overrides = {"px_per_mm": args.px_per_mm, "scale_source": "given"} if args.px_per_mm else None
    opened = open_simulation(_source(args), settings=overrides)
    sim = opened.sim
    photo, seg, scale = sim.photo, sim.segmentation, sim.scale
    guess = opened.view_guess
    view, confidence = sim.settings.view, (guess.confidence if guess is not None else 1.0)
    areas = {k: round(scale.px_area_to_cm2(v), 1) for k, v in seg.class_areas_px().items()}
    info = {
        "photo": photo.name, "width": photo.width, "height": photo.height, "format": photo.format,
        "px_per_mm": round(scale.px_per_mm, 3), "scale_source": scale.source,
        "area_cm2": areas, "bald_fraction": round(seg.bald_fraction(), 3),
        "view": view, "view_confidence": round(confidence, 2),
        "face": sim.face.to_dict() if sim.face is not None else None,
    }
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(f"{photo.name}: {photo.width}x{photo.height} {photo.format}")
    print(f"view: {view} ({confidence:.0%} sure)")
    assumes = {"head": "; assumes a 15 cm head breadth, calibrate for accuracy",
               "iris": "; from the eyes: 11.7 mm iris, 63 mm between the pupils"}.get(scale.source, "")
    print(f"scale: {scale.px_per_mm:.2f} px/mm ({scale.source}{assumes})")
    for k, v in areas.items():
        print(f"  {k:<11} {v:8.1f} cm²")
    print(f"bald share of the head: {info['bald_fraction']:.0%}")
    return 0


def cmd_samples(args) -> int:
    from smp_studio.resources import sample_attribution, sample_photos

    for p in sample_photos():
        print(p.name)
    print(sample_attribution())
    return 0


def cmd_bench(args) -> int:
    import subprocess

    from smp_studio.bench import run

    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    gui = None
    if not args.no_gui:
        # In its own process: this one stays free of Qt.
        r = subprocess.run([sys.executable, "-m", "smp_studio.gui.bench", f"{sizes[0]:g}", "--json"], check=False,
                           capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            gui = json.loads(r.stdout.strip().splitlines()[-1])
        else:
            print("GUI benchmark could not run (is PySide6 installed?)", file=sys.stderr)
    run(sizes, repeat=args.repeat, as_json=args.json, gui=gui)
    return 0


COMMANDS = {"segment": cmd_segment, "simulate": cmd_simulate, "compare": cmd_compare, "info": cmd_info,
            "project": cmd_project, "handout": cmd_handout, "animate": cmd_animate, "anonymise": cmd_anonymise,
            "batch": cmd_batch, "presets": cmd_presets, "samples": cmd_samples, "bench": cmd_bench}
