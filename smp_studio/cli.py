"""smp-studio-cli: the headless command line, on the Qt-free core alone.

Every command exits 0 on success and otherwise prints one clear line on
stderr and exits non-zero (1: the input or settings, 2: the command line).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from smp_studio import __version__


def _photo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("photo", nargs="?", help="the client's photo (JPEG, PNG, TIFF, WebP, HEIC) or a project (.smpx)")
    p.add_argument("--sample", metavar="NAME", help="use a bundled sample photo instead (see `samples`)")


def _design_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("design")
    g.add_argument("--settings", metavar="JSON", help="settings file (from a previous export); options below override it")
    g.add_argument("--treatment", choices=["full", "density", "hairline", "crown", "scar"])
    g.add_argument("--view", choices=["topdown", "front", "side", "back"], help="how the photo was taken")
    g.add_argument("--template", dest="hairline_template",
                   choices=["juvenile", "mature", "conservative", "feminine", "edge-up"], help="hairline template")
    g.add_argument("--hairline", metavar="JSON", help="hairline file: {\"points\": [[x, y], ...], \"face_dir\": [0, 1]}")
    g.add_argument("--save-hairline", metavar="JSON", help="write the hairline used (to edit and pass back)")
    g.add_argument("--labels", metavar="PNG", help="corrected segmentation (as written by `segment`)")
    g.add_argument("--scar-mask", metavar="PNG", help="scar treatment: white where the scar is")
    g.add_argument("--density", dest="density_per_cm2", type=float, metavar="PER_CM2", help="impressions per cm² (default 100)")
    g.add_argument("--dot-size", dest="dot_size_mm", type=float, metavar="MM", help="healed impression size (default 0.30)")
    g.add_argument("--hair-color", metavar="#RRGGBB", help="hair colour to match (default: sampled from the photo)")
    g.add_argument("--dilution", type=float, help="pigment dilution 0..0.9 (default: from hair and skin)")
    g.add_argument("--session", type=int, help="show the result after this session (default: the last)")
    g.add_argument("--sessions", type=int, help="number of sessions planned (default 3)")
    g.add_argument("--state", choices=["healed", "fresh", "aged"], help="default healed")
    g.add_argument("--years", dest="aged_years", type=float, help="for --state aged (default 5)")
    g.add_argument("--seed", type=int, help="layout seed: the same seed gives the same result")
    g.add_argument("--scale", dest="px_per_mm", type=float, metavar="PX_PER_MM", help="pixels per mm (default: estimated)")
    g.add_argument("--calibrate", metavar="X0,Y0,X1,Y1,MM", help="scale from two points and their real distance")


def _export_args(p: argparse.ArgumentParser, label: bool = True) -> None:
    g = p.add_argument_group("export")
    g.add_argument("--width", type=int, help="resize to this width in pixels (default: full resolution)")
    g.add_argument("--clinic", metavar="JSON", help="clinic settings (name, logo, prices, disclaimer)")
    g.add_argument("--anonymise", choices=["blur", "bar", "crop"], help="hide the face and eyes")
    g.add_argument("--region", action="append", default=[], metavar="X,Y,W,H",
                   help="also hide this region (repeatable)")
    if label:
        g.add_argument("--no-label", action="store_true",
                       help="leave out the 'Simulation' label (recorded in the file's settings)")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="smp-studio-cli",
        description="Simulate scalp micropigmentation (SMP) on a photo, headless. "
                    "Every image it writes is a simulation and says so unless told otherwise.")
    ap.add_argument("--version", action="version", version=f"smp-studio {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("segment", help="classify pixels: background, bald skin, thinning, dense hair")
    _photo_args(s)
    s.add_argument("-o", "--output", required=True, metavar="LABELS.png",
                   help="8-bit PNG, photo size: 0 background, 1 bald skin, 2 thinning, 3 dense hair")
    s.add_argument("--overlay", metavar="OVERLAY.png", help="also write the photo with the classes tinted")
    s.add_argument("--hints", metavar="HINTS.png", help="artist strokes: 1 skin, 2 hair, 3 exclude, 0 none")

    s = sub.add_parser("simulate", help="render the simulated SMP result")
    _photo_args(s)
    s.add_argument("-o", "--output", required=True, metavar="AFTER.png", help=".png or .jpg")
    _design_args(s)
    g = s.add_argument_group("export")
    g.add_argument("--width", type=int, help="resize to this width in pixels (default: full resolution)")

    s = sub.add_parser("compare", help="before/after split or side-by-side")
    _photo_args(s)
    s.add_argument("-o", "--output", required=True, metavar="COMPARE.png")
    s.add_argument("--mode", choices=["split", "side-by-side"], default="split")
    s.add_argument("--position", type=float, default=0.5, help="split: divider position 0..1 (default 0.5)")
    _export_args(s)
    _design_args(s)

    s = sub.add_parser("handout", help="the patient handout (PDF): before, after, what to expect, plan, price")
    _photo_args(s)
    s.add_argument("-o", "--output", required=True, metavar="HANDOUT.pdf")
    s.add_argument("--paper", choices=["a4", "letter"], default="a4")
    s.add_argument("--clinic", metavar="JSON", help="clinic settings (name, logo, prices, disclaimer)")
    s.add_argument("--notes", help="client notes (default: the project's)")
    s.add_argument("--date", default="", help="date to print, e.g. 2026-11-21 (default: none)")
    s.add_argument("--price", default="", help="this client's price estimate, e.g. '£1,800' (default: from the clinic's table)")
    _design_args(s)

    s = sub.add_parser("animate", help="a wipe from before to after: .mp4, .gif or .webp")
    _photo_args(s)
    s.add_argument("-o", "--output", required=True, metavar="WIPE.mp4")
    s.add_argument("--seconds", type=float, default=4.0)
    s.add_argument("--fps", type=int, default=20)
    _export_args(s)
    _design_args(s)

    s = sub.add_parser("anonymise", help="hide the face and eyes on a photo (for marketing)")
    _photo_args(s)
    s.add_argument("-o", "--output", required=True, metavar="OUT.png")
    s.add_argument("--mode", choices=["blur", "bar", "crop"], default="blur")
    s.add_argument("--region", action="append", default=[], metavar="X,Y,W,H", help="also hide this region")
    s.add_argument("--no-detect", action="store_true", help="only the regions given, no face detection")

    s = sub.add_parser("batch", help="render many photos or projects with one preset, on every core")
    s.add_argument("inputs", nargs="+", metavar="FOLDER_OR_FILE", help="folders, photos and .smpx projects")
    s.add_argument("--preset", required=True, help="a bundled preset name or a preset JSON file (see `presets`)")
    s.add_argument("--out", required=True, metavar="DIR", help="where to write (created if missing)")
    s.add_argument("--clinic", metavar="JSON", help="clinic settings for branding")
    s.add_argument("--workers", type=int, help="processes (default: one per core)")

    sub.add_parser("presets", help="list the bundled presets")

    s = sub.add_parser("project", help="make a project file (.smpx) from a photo and a design")
    _photo_args(s)
    s.add_argument("-o", "--output", required=True, metavar="PROJECT.smpx")
    s.add_argument("--notes", default="", help="client notes to keep with the design")
    _design_args(s)

    s = sub.add_parser("info", help="size, scale estimate and the area of each class in cm²")
    _photo_args(s)
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument("--scale", dest="px_per_mm", type=float, metavar="PX_PER_MM")

    sub.add_parser("samples", help="list the bundled sample photos")

    s = sub.add_parser("bench", help="time the engine at 12 and 24 MP, as multiples of one blur pass")
    s.add_argument("--sizes", default="12,24", help="megapixels to test (default 12,24)")
    s.add_argument("--repeat", type=int, default=3)
    s.add_argument("--no-gui", action="store_true", help="skip the GUI drag benchmark")
    return ap


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    from smp_studio._memory import tune_allocator
    from smp_studio.core.errors import SmpError

    tune_allocator()
    try:
        return _COMMANDS[args.command](args)
    except SmpError as e:
        print(f"smp-studio-cli: {e}", file=sys.stderr)
    except FileNotFoundError as e:
        print(f"smp-studio-cli: {e.filename or e}: no such file", file=sys.stderr)
    except (OSError, ValueError) as e:
        print(f"smp-studio-cli: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("smp-studio-cli: interrupted", file=sys.stderr)
        return 130
    return 1


# --- helpers -----------------------------------------------------------------------

def _load(args):
    from smp_studio.core.errors import SmpError
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.resources import sample_photo

    if args.sample and args.photo:
        raise SmpError("give a photo or --sample, not both")
    if args.sample:
        try:
            return load_photo(sample_photo(args.sample))
        except FileNotFoundError as e:
            raise SmpError(str(e)) from None
    if not args.photo:
        raise SmpError("no photo given (a path, or --sample NAME)")
    if _is_project(args.photo):
        from smp_studio.core.io.project import load_project

        args._project = load_project(args.photo)
        return args._project.photo
    return load_photo(args.photo)


def _is_project(path) -> bool:
    return str(path).lower().endswith(".smpx")


def _read_png_mask(path, photo, what):
    from PIL import Image

    from smp_studio.core.errors import SmpError

    try:
        with Image.open(path) as im:
            a = np.asarray(im.convert("L"))
    except FileNotFoundError:
        raise SmpError(f"{path}: no such file") from None
    except OSError as e:
        raise SmpError(f"{path}: not a readable PNG ({e})") from None
    if a.shape != photo.rgb.shape[:2]:
        raise SmpError(f"{path}: {what} is {a.shape[1]}x{a.shape[0]} but the photo is {photo.width}x{photo.height}")
    return a


def _simulation(args, photo):
    from smp_studio.core.errors import SettingsError, SmpError
    from smp_studio.core.model.hairline import Hairline
    from smp_studio.core.model.scale import Scale
    from smp_studio.core.analysis.segmentation import from_labels
    from smp_studio.core.model.settings import Settings
    from smp_studio.core.engine.simulation import Simulation

    project = getattr(args, "_project", None)
    base = project.settings.to_dict() if project is not None else {}
    if args.settings:
        try:
            base.update(json.loads(Path(args.settings).read_text()))
        except json.JSONDecodeError as e:
            raise SettingsError(f"{args.settings}: not valid JSON ({e.msg}, line {e.lineno})") from None
    for key in ("treatment", "view", "hairline_template", "density_per_cm2", "dot_size_mm", "hair_color", "dilution",
                "session", "sessions", "state", "aged_years", "seed", "px_per_mm"):
        v = getattr(args, key, None)
        if v is not None:
            base[key] = v
    if "sessions" in base and "session" not in base:
        base["session"] = base["sessions"]
    if args.calibrate:
        try:
            x0, y0, x1, y1, mm = (float(v) for v in args.calibrate.split(","))
        except ValueError:
            raise SettingsError("--calibrate takes X0,Y0,X1,Y1,MM, e.g. 100,200,400,200,50") from None
        base["px_per_mm"] = Scale.from_calibration((x0, y0), (x1, y1), mm).px_per_mm
        base["scale_source"] = "calibration"
    settings = Settings.from_dict(base)
    seg = project.segmentation() if project is not None else None
    if args.labels:
        try:
            seg = from_labels(_read_png_mask(args.labels, photo, "the label image"), photo.rgb)
        except ValueError as e:
            raise SmpError(f"{args.labels}: {e}") from None
    hairline = project.hairline if project is not None else None
    if args.hairline:
        try:
            hairline = Hairline.from_json(Path(args.hairline).read_text())
        except SettingsError as e:
            raise SettingsError(f"{args.hairline}: {e}") from None
    scar = project.scar if project is not None else None
    if args.scar_mask:
        scar = _read_png_mask(args.scar_mask, photo, "the scar mask") > 127
    sim = Simulation(photo, settings, segmentation=seg, hairline=hairline, scar_mask=scar)
    if args.save_hairline and sim.hairline is not None:
        Path(args.save_hairline).write_text(sim.hairline.to_json())
    return sim


def _record(sim, **extra) -> dict:
    d = sim.settings.to_dict()
    d["px_per_mm"] = sim.scale.px_per_mm
    d["scale_source"] = sim.scale.source
    d["photo"] = sim.photo.name
    d["software"] = f"smp-studio {__version__}"
    if sim.hairline is not None:
        d["hairline"] = sim.hairline.to_dict()
    if sim.has_scalp or sim.settings.treatment == "scar":
        if w := sim.figures().warnings:
            d["warnings"] = list(w)
    d.update(extra)
    return d


# --- commands ------------------------------------------------------------------------

def cmd_segment(args) -> int:
    from PIL import Image

    from smp_studio.core.io.atomic import atomic_write
    from smp_studio.core.io.imageio import save_image
    from smp_studio.core.analysis.segmentation import segment

    photo = _load(args)
    hints = _read_png_mask(args.hints, photo, "the hint image") if args.hints else None
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
    from smp_studio.core.output.exports import resize_width
    from smp_studio.core.io.imageio import save_image

    from smp_studio.core.errors import NoScalpError

    photo = _load(args)
    sim = _simulation(args, photo)
    try:
        fg = sim.figures()
    except NoScalpError:
        print(f"no bald or thinning scalp found in {args.photo or args.sample}", file=sys.stderr)
        return 1
    after = resize_width(sim.render(), args.width)
    save_image(args.output, after, settings=_record(sim, label="none (plain simulated photo)"))
    print(f"{args.output}: {len(sim.session_dots())} impressions over {fg.area_cm2:.0f} cm² "
          f"(session {sim.settings.session} of {sim.settings.sessions}, {sim.settings.state})")
    for w in fg.warnings + ((fg.hint,) if fg.hint else ()):
        print(f"warning: {w}", file=sys.stderr)
    return 0


def _clinic(args):
    from smp_studio.core.output.clinic import Clinic

    return Clinic.load(args.clinic) if getattr(args, "clinic", None) else Clinic()


def _regions(args):
    from smp_studio.core.output.anonymise import Region

    return [Region.parse(r) for r in getattr(args, "region", [])]


def cmd_compare(args) -> int:
    from smp_studio.core.output.exports import export_image
    from smp_studio.core.io.imageio import save_image

    photo = _load(args)
    sim = _simulation(args, photo)
    label = not args.no_label
    img = export_image(sim, args.mode, width=args.width, label=label, brand=_clinic(args).name,
                       anonymise_mode=args.anonymise or ("blur" if args.region else None), regions=_regions(args),
                       split_position=args.position)
    save_image(args.output, img, settings=_record(sim, simulation_label=label, compare=args.mode,
                                                  anonymised=bool(args.anonymise or args.region)))
    print(f"{args.output}: {args.mode}" + ("" if label else " WITHOUT the simulation label (recorded)"))
    return 0


def cmd_handout(args) -> int:
    from smp_studio.core.output.handout import prepare, write_handout

    photo = _load(args)
    sim = _simulation(args, photo)
    project = getattr(args, "_project", None)
    notes = args.notes if args.notes is not None else (project.notes if project is not None else "")
    data = prepare(sim, notes=notes, date=args.date, price=args.price)
    write_handout(args.output, data, _clinic(args), paper=args.paper, settings=_record(sim))
    print(f"{args.output}: 3 pages ({args.paper.upper()}), {data.area_cm2:.0f} cm², {data.impressions:,} impressions")
    return 0


def cmd_animate(args) -> int:
    from smp_studio.core.output.anonymise import anonymise
    from smp_studio.core.output.animation import wipe_frames, write_animation
    from smp_studio.core.output.compare import _brand_band

    photo = _load(args)
    sim = _simulation(args, photo)
    before, after = photo.rgb, sim.render()
    if args.anonymise or args.region:
        before, found = anonymise(before, mode=args.anonymise or "blur", regions=_regions(args))
        after, _ = anonymise(after, mode=args.anonymise or "blur", regions=found, detect_faces=False)
    width = args.width or (480 if str(args.output).lower().endswith(".gif") else 720)
    frames = wipe_frames(before, after, seconds=args.seconds, fps=args.fps, label=not args.no_label, width=width)
    brand = _clinic(args).name
    if brand:
        px = max(12, int(round(min(frames[0].shape[:2]) * 0.035)))
        frames = [_brand_band(f, brand, px) for f in frames]
        if frames[0].shape[0] % 2:
            frames = [f[:-1] for f in frames]
    write_animation(args.output, frames, fps=args.fps)
    print(f"{args.output}: {len(frames)} frames at {args.fps} fps" + ("" if not args.no_label else ", WITHOUT the simulation label"))
    return 0


def cmd_anonymise(args) -> int:
    from smp_studio.core.output.anonymise import anonymise
    from smp_studio.core.io.imageio import save_image

    photo = _load(args)
    img, found = anonymise(photo.rgb, mode=args.mode, regions=_regions(args), detect_faces=not args.no_detect)
    save_image(args.output, img)
    kinds = ", ".join(sorted({r.kind for r in found})) or "nothing found: add --region X,Y,W,H"
    print(f"{args.output}: {args.mode}; hid {len(found)} region(s) ({kinds})")
    return 0


def cmd_batch(args) -> int:
    from smp_studio.core.output.batch import run_batch, summary
    from smp_studio.core.output.exports import load_preset

    pr = load_preset(args.preset)
    preset = {"name": pr.name, "settings": pr.settings, "exports": list(pr.exports), "format": pr.format,
              "width": pr.width, "label": pr.label, "anonymise": pr.anonymise}
    clinic = _clinic(args).to_dict() if args.clinic else None

    def progress(done, total, outcome):
        bar = "#" * int(30 * done / total)
        mark = "ok" if outcome.ok else "FAILED"
        print(f"\r[{bar:<30}] {done}/{total} {Path(outcome.input).name[:40]:<40} {mark}", end="", file=sys.stderr,
              flush=True)

    results = run_batch(args.inputs, preset, args.out, workers=args.workers, clinic=clinic, progress=progress)
    print(file=sys.stderr)
    print(summary(results))
    return 0 if all(r.ok for r in results) else 1


def cmd_presets(args) -> int:
    from smp_studio.core.output.exports import builtin_presets, load_preset

    for name in builtin_presets():
        print(f"{name:<20} {load_preset(name).description}")
    return 0


def cmd_project(args) -> int:
    from smp_studio.core.errors import SmpError
    from smp_studio.core.io.project import Project, save_project

    if not str(args.output).lower().endswith(".smpx"):
        raise SmpError(f"{args.output}: a project file ends in .smpx")
    photo = _load(args)
    sim = _simulation(args, photo)
    old = getattr(args, "_project", None)
    auto = old.auto_seg if old is not None else sim.segmentation
    edits = old.edits if old is not None else None
    proj = Project(photo, auto, sim.settings, sim.hairline, edits, sim.scar_mask,
                   args.notes or (old.notes if old is not None else ""), extras=old.extras if old is not None else {})
    save_project(proj, args.output)
    print(f"{args.output}: {photo.name}, {len(sim.session_dots())} impressions, seed {sim.settings.seed}")
    return 0


def cmd_info(args) -> int:
    from smp_studio.core.model.scale import Scale
    from smp_studio.core.analysis.segmentation import segment

    photo = _load(args)
    project = getattr(args, "_project", None)
    seg = project.segmentation() if project is not None else segment(photo.rgb)
    if args.px_per_mm:
        scale = Scale(args.px_per_mm, "given")
    elif project is not None and project.settings.px_per_mm is not None:
        scale = Scale(project.settings.px_per_mm, project.settings.scale_source)
    else:
        scale = seg.estimated_scale()
    areas = {k: round(scale.px_area_to_cm2(v), 1) for k, v in seg.class_areas_px().items()}
    info = {
        "photo": photo.name, "width": photo.width, "height": photo.height, "format": photo.format,
        "px_per_mm": round(scale.px_per_mm, 3), "scale_source": scale.source,
        "area_cm2": areas, "bald_fraction": round(seg.bald_fraction(), 3),
    }
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(f"{photo.name}: {photo.width}x{photo.height} {photo.format}")
    print(f"scale: {scale.px_per_mm:.2f} px/mm ({scale.source}; assumes a 15 cm head breadth, calibrate for accuracy)")
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
    from smp_studio.bench import run

    import subprocess

    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    run(sizes, repeat=args.repeat)
    if not args.no_gui:
        # In its own process: this one stays free of Qt.
        r = subprocess.run([sys.executable, "-m", "smp_studio.gui.bench", "12"], check=False)
        if r.returncode != 0:
            print("GUI benchmark could not run (is PySide6 installed?)", file=sys.stderr)
    return 0


_COMMANDS = {"segment": cmd_segment, "simulate": cmd_simulate, "compare": cmd_compare, "info": cmd_info,
             "project": cmd_project, "handout": cmd_handout, "animate": cmd_animate, "anonymise": cmd_anonymise,
             "batch": cmd_batch, "presets": cmd_presets,
             "samples": cmd_samples, "bench": cmd_bench}

if __name__ == "__main__":
    sys.exit(main())
