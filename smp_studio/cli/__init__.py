"""smp-studio-cli: the headless command line, on the Qt-free core alone.

This module holds the command line itself; :mod:`commands` what each command does.

Every command exits 0 on success and otherwise prints one clear line on
stderr and exits non-zero (1: the input or settings, 2: the command line).
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings


from smp_studio import __version__
from smp_studio.core.model.settings import STATES, TEMPLATES, TREATMENTS, VIEWS


def _photo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("photo", nargs="?", help="the client's photo (JPEG, PNG, TIFF, WebP, HEIC) or a project (.smpx)")
    p.add_argument("--sample", metavar="NAME", help="use a bundled sample photo instead (see `samples`)")


def _design_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("design")
    g.add_argument("--settings", metavar="JSON", help="settings file (from a previous export); options below override it")
    g.add_argument("--treatment", choices=TREATMENTS)
    g.add_argument("--view", choices=VIEWS, help="how the photo was taken")
    g.add_argument("--template", dest="hairline_template", choices=TEMPLATES, help="hairline template")
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
    g.add_argument("--state", choices=STATES, help="default healed")
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
    s.add_argument("--json", action="store_true",
                   help='one JSON object: {"blur_s": ..., "stages": {NAME: {"s": ..., "x_blur": ...}}}')
    return ap


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    from smp_studio._memory import tune_allocator
    from smp_studio.core.errors import SmpError

    tune_allocator()
    from smp_studio.cli.commands import COMMANDS

    _route_library_logs()
    # Library warnings (a decoder's note on odd metadata...) go to the log, never as extra
    # lines around the one-line message; `python -W error` and friends still apply.
    with warnings.catch_warnings(record=True) as caught:
        if not sys.warnoptions:
            warnings.simplefilter("default")
        try:
            return COMMANDS[args.command](args)
        except SmpError as e:
            print(f"smp-studio-cli: {_one_line(e)}", file=sys.stderr)
        except FileNotFoundError as e:
            print(f"smp-studio-cli: {e.filename or e}: no such file", file=sys.stderr)
        except (OSError, ValueError) as e:
            print(f"smp-studio-cli: {_one_line(e)}", file=sys.stderr)
        except KeyboardInterrupt:
            print("smp-studio-cli: interrupted", file=sys.stderr)
            return 130
        finally:
            for w in caught:
                logging.getLogger("smp_studio.cli").info("%s:%s: %s", w.filename, w.lineno, w.message)
    return 1


def _route_library_logs() -> None:
    """Decoders log what they find odd (Pillow: ``logger.error`` on a bad TIFF tag); with no
    handler Python prints those to stderr, around our one line. Send them to the file named by
    SMP_STUDIO_LOG, or nowhere, unless the caller configured logging itself."""
    import os

    root = logging.getLogger()
    if root.handlers:
        return
    target = os.environ.get("SMP_STUDIO_LOG")
    if target:
        handler: logging.Handler = logging.FileHandler(target, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        root.setLevel(logging.INFO)
    else:
        handler = logging.NullHandler()
    root.addHandler(handler)


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())
