"""The patient handout: a PDF a client understands without the artist beside them.

Page 1, *Your simulation*: before and healed after, the treatment in figures,
the price estimate. Page 2, *What to expect*: fresh after session 1 next to
healed, the session plan, how it ages. Page 3, *Notes*: the client notes and
the clinic's price table. Every page carries the clinic's name and the
simulation disclaimer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from smp_studio import __version__
from smp_studio.core.io.atomic import atomic_write
from smp_studio.core.output.clinic import Clinic
from smp_studio.core.output.session_plan import SESSION_WHEN, session_step
from smp_studio.core.errors import SmpError
from smp_studio.core.analysis.segmentation import BACKGROUND

PAPERS = ("a4", "letter")
INK, ACCENT = (0.13, 0.14, 0.16), (0.16, 0.42, 0.55)
PAGES = 3


@dataclass
class HandoutData:
    """Everything on the handout, prepared from a simulation (pure data, easy to test)."""

    before: np.ndarray
    healed: np.ndarray
    close_before: np.ndarray
    close_healed: np.ndarray
    fresh_s1: np.ndarray
    healed_s1: np.ndarray
    aged: np.ndarray
    aged_years: float
    area_cm2: float
    impressions: int
    density: float
    sessions: int
    session_counts: list
    notes: str
    photo_name: str
    date: str
    price: str = ""  # this client's estimate, when the artist sets one; else the clinic's table
    warnings: tuple = ()  # pigment somewhere unusual: recorded with the settings
    area_note: str = ""  # what the reader should know with the area (the photo's angle)
    treatment: str = "full"


def prepare(sim, *, aged_years: float | None = None, notes: str = "", date: str = "", price: str = "") -> HandoutData:
    """Render every image the handout shows (cropped to the head)."""
    s = sim.settings
    years = s.aged_years if aged_years is None else aged_years
    box = _head_box(sim)

    def crop(img):
        x0, y0, x1, y1 = box
        return img[y0:y1, x0:x1]

    fg = sim.figures()  # the one set of figures the CLI and the studio show too
    if fg.impressions == 0:  # a plan of nothing would read as a quote for nothing
        raise SmpError("The design places no impressions, so there is nothing to hand out. "
                       + (fg.hint or "Check the treatment, the scalp mask and the hairline."))
    counts = list(fg.per_session)
    healed = sim.render()
    cb = _close_box(sim)

    def close(img):
        x0, y0, x1, y1 = cb
        return img[y0:y1, x0:x1]

    return HandoutData(
        before=crop(sim.photo.rgb), healed=crop(healed), close_before=close(sim.photo.rgb), close_healed=close(healed),
        fresh_s1=crop(sim.render(state="fresh", session=1)), healed_s1=crop(sim.render(session=1)),
        aged=crop(sim.render(state="aged", aged_years=years)), aged_years=years,
        area_cm2=fg.area_cm2, impressions=fg.impressions, density=fg.density, sessions=s.sessions,
        session_counts=counts, notes=notes, photo_name=sim.photo.name, date=date, price=price, warnings=fg.warnings,
        area_note=fg.area_note, treatment=s.treatment)


def _close_box(sim):
    """A square of about 3 x 3 cm in the middle of the treated area, for close-ups."""
    H, W = sim.photo.height, sim.photo.width
    dots = sim.dots
    side = int(round(min(sim.scale.mm_to_px(30.0), 0.35 * min(H, W))))
    if len(dots):
        cx, cy = np.median(dots.xy, axis=0)
    else:
        cx, cy = W / 2, H / 2
    x0 = int(np.clip(cx - side / 2, 0, max(W - side, 0)))
    y0 = int(np.clip(cy - side / 2, 0, max(H - side, 0)))
    return x0, y0, min(x0 + side, W), min(y0 + side, H)


def _head_box(sim, margin: float = 0.06):
    labels = sim.segmentation.labels
    ys, xs = np.nonzero(labels != BACKGROUND)
    H, W = labels.shape
    if xs.size == 0:
        return 0, 0, W, H
    mx, my = int(W * margin), int(H * margin)
    return max(xs.min() - mx, 0), max(ys.min() - my, 0), min(xs.max() + mx, W), min(ys.max() + my, H)


def write_handout(path, data: HandoutData, clinic: Clinic, *, paper: str = "a4", settings: dict | None = None) -> Path:
    """Write the handout PDF atomically."""
    if paper not in PAPERS:
        raise SmpError(f"paper {paper!r} is not one of {', '.join(PAPERS)}")
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise SmpError(f"{path.name}: a handout is a .pdf file")
    atomic_write(path, handout_bytes(data, clinic, paper=paper, settings=settings))
    return path


def handout_bytes(data: HandoutData, clinic: Clinic, *, paper: str = "a4", settings: dict | None = None) -> bytes:
    """The handout as PDF bytes, with the settings that made it in its keywords."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.pdfgen.canvas import Canvas

    size = A4 if paper == "a4" else LETTER
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=size, invariant=1)  # invariant: the same design gives the same file
    title = f"SMP simulation - {clinic.name}" if clinic.name else "SMP simulation"
    c.setTitle(title)
    c.setAuthor(clinic.name or "SMP Studio")
    c.setCreator(f"smp-studio {__version__}")
    c.setSubject("Scalp micropigmentation simulation - not a guarantee of results")
    if settings is not None and data.warnings:
        settings = {**settings, "warnings": list(data.warnings)}
    if settings is not None:
        import json

        c.setKeywords("smp-studio-settings " + json.dumps(settings, sort_keys=True))

    pages = _Pages(c, size, data, clinic)
    pages.your_simulation()
    pages.what_to_expect()
    pages.notes_and_prices()
    c.save()
    return buf.getvalue()


class _Pages:
    """The handout's three pages on a reportlab canvas: frame, pictures, figures, plan, notes."""

    def __init__(self, c, size, data: HandoutData, clinic: Clinic):
        from reportlab.lib.units import mm
        from reportlab.lib.utils import ImageReader

        self.c, (self.W, self.H), self.d, self.clinic = c, size, data, clinic
        self.mm, self.ImageReader = mm, ImageReader
        self.margin = 16 * mm
        self.logo = clinic.logo_path()
        self.gap = 6 * mm
        self.col = (self.W - 2 * self.margin - self.gap) / 2
        self.top = self.H - 30 * mm
        self.tier, self.price = clinic.quote(data.area_cm2)  # the tier of this very area

    def frame(self, page_title: str, page_no: int, pages: int):
        c, W, H, clinic, margin, mm, logo = self.c, self.W, self.H, self.clinic, self.margin, self.mm, self.logo
        ink, accent, ImageReader = INK, ACCENT, self.ImageReader
        c.setFillColorRGB(*accent)
        c.rect(0, H - 24 * mm, W, 24 * mm, stroke=0, fill=1)
        x = margin
        if logo is not None:
            try:
                img = ImageReader(str(logo))
                iw, ih = img.getSize()
                lh = 15 * mm
                lw = lh * iw / ih
                c.drawImage(img, x, H - 19.5 * mm, lw, lh, mask="auto")
                x += lw + 5 * mm
            except Exception:  # a broken logo must not stop the handout
                pass
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica-Bold", 17)
        c.drawString(x, H - 12.5 * mm, page_title)
        c.setFont("Helvetica", 9.5)
        sub = " - ".join(v for v in (clinic.name, clinic.contact) if v)
        c.drawString(x, H - 18.5 * mm, sub or "Scalp micropigmentation")
        # Footer: the disclaimer on every page.
        c.setFillColorRGB(0.96, 0.93, 0.86)
        c.rect(0, 0, W, 19 * mm, stroke=0, fill=1)
        c.setFillColorRGB(*ink)
        c.setFont("Helvetica-Bold", 9)
        c.drawString(margin, 12 * mm, "SIMULATION")
        c.setFont("Helvetica", 8.5)
        _wrapped(c, clinic.disclaimer, margin + 22 * mm, 12 * mm, W - 2 * margin - 40 * mm, 10)
        c.drawRightString(W - margin, 5 * mm, f"Page {page_no} of {pages}")
        c.setFillColorRGB(*ink)

    def picture(self, img, x, y, w, h, caption):
        c, mm, ImageReader = self.c, self.mm, self.ImageReader
        """Fit an image in the box (keeping its shape) with a caption under it."""
        ih, iw = img.shape[:2]
        s = min(w / iw, (h - 7 * mm) / ih)
        dw, dh = iw * s, ih * s
        ox = x + (w - dw) / 2
        oy = y + 7 * mm + (h - 7 * mm - dh)
        c.drawImage(ImageReader(_jpeg(img, max_px=1400)), ox, oy, dw, dh)
        c.setStrokeColorRGB(0.8, 0.8, 0.8)
        c.rect(ox, oy, dw, dh, stroke=1, fill=0)
        c.setFont("Helvetica-Bold", 10)
        c.drawCentredString(x + w / 2, y + 2 * mm, caption)

    def your_simulation(self) -> None:
        """Page 1: before and healed, close-ups, the treatment in figures, the price estimate."""
        c, W, d, margin, gap, col, top = self.c, self.W, self.d, self.margin, self.gap, self.col, self.top
        tier, price, mm = self.tier, self.price, self.mm
        self.frame("Your SMP simulation", 1, PAGES)
        c.setFont("Helvetica", 10.5)
        line = "    ".join(t for t in ((f"Photo: {d.photo_name}" if d.photo_name else ""),
                                        (f"Date: {d.date}" if d.date else "")) if t)
        c.drawString(margin, top - 2 * mm, line)
        img_h = min(col * 0.95, (top - 125 * mm) * 0.58)
        y_img = top - 6 * mm - img_h
        self.picture(d.before, margin, y_img, col, img_h, "Before")
        self.picture(d.healed, margin + col + gap, y_img, col, img_h, f"Simulated result, healed, after {d.sessions} sessions")
        close_h = min(col * 0.62, (top - 125 * mm) * 0.42)
        y_close = y_img - 3 * mm - close_h
        self.picture(d.close_before, margin + col * 0.18, y_close, col * 0.64, close_h, "Close-up, before")
        self.picture(d.close_healed, margin + col + gap + col * 0.18, y_close, col * 0.64, close_h, "Close-up, healed")
        y = y_close - 9 * mm
        c.setFont("Helvetica-Bold", 13)
        c.drawString(margin, y, "Your treatment in figures")
        rows = [
            ("Treated area", f"{d.area_cm2:.0f} cm²"),
            ("Pigment impressions", f"about {d.impressions:,} (around {d.density:.0f} per cm²)"),
            ("Sessions", f"{d.sessions}, a few weeks apart (see page 2)"),
        ]
        if d.price.strip():
            rows.append(("Price estimate", f"{d.price.strip()}  (the clinic confirms the final price)"))
        elif tier is not None:
            rows.append(("Price estimate", f"{price}  ({tier.label}; the clinic confirms the final price)"))
        y -= 7 * mm
        for k, v in rows:
            c.setFont("Helvetica-Bold", 10.5)
            c.drawString(margin, y, k)
            c.setFont("Helvetica", 10.5)
            c.drawString(margin + 48 * mm, y, v)
            y -= 6 * mm
            if k == "Treated area" and d.area_note:  # said where the figure is read, in its own words
                c.setFont("Helvetica-Oblique", 9)
                y = _wrapped(c, f"Note: {d.area_note}.", margin + 48 * mm, y + 1 * mm, W - 2 * margin - 48 * mm, 11)
                y -= 1.5 * mm
        y -= 3 * mm
        c.setFont("Helvetica", 10)
        y = _wrapped(c, "Scalp micropigmentation places tiny deposits of pigment in the skin, each imitating a shaved "
                        "hair follicle. It grows no hair: the result looks like a close buzz cut, or adds density where "
                        "hair is thin. The picture above is a computer simulation on your own photo.",
                     margin, y, W - 2 * margin, 13)
        c.showPage()


    def what_to_expect(self) -> None:
        """Page 2: fresh against healed, the session plan, how it ages."""
        c, W, d, margin, gap, col, top, mm = self.c, self.W, self.d, self.margin, self.gap, self.col, self.top, self.mm
        self.frame("What to expect", 2, PAGES)
        img_h = min(col * 1.0, 82 * mm)
        y_img = top - 2 * mm - img_h
        self.picture(d.fresh_s1, margin, y_img, col, img_h, "Right after session 1 (first days)")
        self.picture(d.healed_s1, margin + col + gap, y_img, col, img_h, "Session 1, healed (about 4 weeks)")
        y = y_img - 8 * mm
        c.setFont("Helvetica", 10)
        y = _wrapped(c, "Right after a session the dots look larger and darker, and light skin is red for a day or two. "
                        "Tiny scabs fall off within about a week and take some pigment with them. The true colour shows "
                        "after about a month: two to three shades lighter and finer than on the first days. "
                        "This is expected - it is why the work is built up over several sessions.",
                     margin, y, W - 2 * margin, 13)
        y -= 5 * mm
        c.setFont("Helvetica-Bold", 13)
        c.drawString(margin, y, "Your session plan")
        y -= 7 * mm
        c.setFont("Helvetica-Bold", 10)
        c.drawString(margin, y, "Session")
        c.drawString(margin + 18 * mm, y, "When")
        c.drawString(margin + 56 * mm, y, "What it adds")
        c.drawRightString(W - margin, y, "New impressions")
        y -= 5.5 * mm
        c.setFont("Helvetica", 10)
        prev = 0
        for k, count in enumerate(d.session_counts, start=1):
            what, added = session_step(k, d.sessions, d.treatment, count - prev)
            c.drawString(margin, y, str(k))
            c.drawString(margin + 18 * mm, y, SESSION_WHEN[min(k - 1, len(SESSION_WHEN) - 1)])
            c.drawString(margin + 56 * mm, y, what)
            c.drawRightString(W - margin, y, added)
            prev = count
            y -= 5.5 * mm
        y -= 4 * mm
        aged_h = min(y - 30 * mm, 70 * mm)
        if aged_h > 35 * mm:
            self.picture(d.healed, margin, y - aged_h, col, aged_h, "Healed")
            self.picture(d.aged, margin + col + gap, y - aged_h, col, aged_h, f"After about {d.aged_years:g} years")
            y -= aged_h + 6 * mm
        c.setFont("Helvetica", 10)
        _wrapped(c, "Over the years sunlight and the body slowly lighten the pigment and the dots soften. Most people "
                    "have a short touch-up session every 3 to 6 years. Sunscreen on the scalp keeps the result longer.",
                 margin, y, W - 2 * margin, 13)
        c.showPage()


    def notes_and_prices(self) -> None:
        """Page 3: the client notes and the clinic's price guide."""
        c, W, d, clinic, margin, top, tier, mm = (self.c, self.W, self.d, self.clinic, self.margin, self.top, self.tier,
                                                  self.mm)
        self.frame("Notes and prices", 3, PAGES)
        y = top - 4 * mm
        c.setFont("Helvetica-Bold", 13)
        c.drawString(margin, y, "Notes from your consultation")
        y -= 7 * mm
        c.setFont("Helvetica", 10.5)
        for para in (d.notes.strip() or "(none)").splitlines():
            y = _wrapped(c, para, margin, y, W - 2 * margin, 14)
            if y < 60 * mm:
                break
        y -= 8 * mm
        if clinic.prices:
            c.setFont("Helvetica-Bold", 13)
            c.drawString(margin, y, "Price guide")
            y -= 7 * mm
            c.setFont("Helvetica", 10.5)
            lo = 0.0
            for r in clinic.prices:
                mark = "  <- your treatment" if tier is not None and r == tier else ""
                c.drawString(margin, y, f"{r.label} ({lo:.0f}-{r.up_to_cm2:.0f} cm²)")
                c.drawRightString(W - margin - 50 * mm, y, clinic.money(r.price))
                c.setFont("Helvetica-Bold", 10.5)
                c.drawString(W - margin - 46 * mm, y, mark)
                c.setFont("Helvetica", 10.5)
                lo = r.up_to_cm2
                y -= 6 * mm
        c.showPage()


def _wrapped(c, text: str, x: float, y: float, width: float, leading: float) -> float:
    """Draw text wrapped to ``width``; returns the y below it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font, size = c._fontname, c._fontsize
    words = text.split()
    line = ""
    for w in words:
        trial = f"{line} {w}".strip()
        if stringWidth(trial, font, size) > width and line:
            c.drawString(x, y, line)
            y -= leading
            line = w
        else:
            line = trial
    if line:
        c.drawString(x, y, line)
        y -= leading
    return y


def _jpeg(img: np.ndarray, max_px: int) -> io.BytesIO:
    h, w = img.shape[:2]
    f = min(1.0, max_px / max(h, w))
    if f < 1:
        img = cv2.resize(img, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    b = io.BytesIO()
    Image.fromarray(img).save(b, "JPEG", quality=88)  # fresh from pixels: no camera metadata
    b.seek(0)
    return b
