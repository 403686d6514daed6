"""What leaves the studio: checked for content, not just for existing."""

import io
import json

import cv2
import numpy as np
import pytest
from PIL import Image

from smp_studio.cli import main
from smp_studio.core.output.clinic import Clinic
from smp_studio.core.output.exports import export_image
from smp_studio.core.output.presets import Preset, load_preset
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.simulation import Simulation

SAMPLE = "topdown-norwood6-shaved-look.jpg"


@pytest.fixture(scope="module")
def sim(samples_dir_module):
    return Simulation(load_photo(samples_dir_module / SAMPLE), Settings(seed=4))


@pytest.fixture(scope="module")
def samples_dir_module():
    from conftest import SAMPLES

    return SAMPLES


def pdf_text(path):
    from pypdf import PdfReader

    r = PdfReader(str(path))
    return r, [p.extract_text() for p in r.pages]


@pytest.mark.parametrize("paper,size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_handout_has_the_pages_text_and_pictures(tmp_path, paper, size, capsys):
    clinic = tmp_path / "clinic.json"
    clinic.write_text(json.dumps({"name": "Northside SMP Clinic", "currency": "€",
                                  "prices": [{"label": "Hairline", "up_to_cm2": 60, "price": 1000},
                                             {"label": "Full", "up_to_cm2": 400, "price": 2300}]}))
    out = tmp_path / "h.pdf"
    assert main(["handout", "--sample", SAMPLE, "-o", str(out), "--paper", paper, "--clinic", str(clinic),
                 "--notes", "Prefers a soft line", "--years", "8"]) == 0
    reader, pages = pdf_text(out)
    assert len(pages) == 3
    w, h = (round(float(v)) for v in reader.pages[0].mediabox[2:])
    assert (w, h) == size
    text = "\n".join(pages)
    for expected in ("Before", "healed", "Right after session 1", "Your session plan", "After about 8 years",
                     "Treated area", "cm²", "Price estimate", "€2,300", "Prefers a soft line",
                     "Northside SMP Clinic", "not a guarantee of results"):
        assert expected in text, expected
    for page in pages:
        assert "SIMULATION" in page  # the disclaimer on every page
    images = sum(len(p.images) for p in reader.pages)
    assert images >= 8  # before, after, two close-ups, fresh, session 1 healed, healed, aged


def test_handout_uses_the_project_notes_and_logo(tmp_path, sim):
    from smp_studio.core.output.handout import prepare, write_handout
    from smp_studio.core.io.project import Project, save_project

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (200, 30, 30)).save(logo)
    proj = tmp_path / "p.smpx"
    save_project(Project(sim.photo, sim.segmentation, sim.settings, notes="From the project notes"), proj)
    (tmp_path / "c.json").write_text(json.dumps({"name": "Logo Clinic", "logo": str(logo)}))
    assert main(["handout", str(proj), "-o", str(tmp_path / "h.pdf"), "--clinic", str(tmp_path / "c.json"),
                 "--price", "£1,750 (package)"]) == 0
    reader, pages = pdf_text(tmp_path / "h.pdf")
    assert "From the project notes" in pages[2]
    assert "£1,750 (package)" in pages[0]  # the artist's figure for this client
    assert len(reader.pages[0].images) >= 5  # the logo too
    data = prepare(sim)
    assert data.healed.shape == data.before.shape and (data.healed != data.before).any()


def test_exports_carry_settings_but_no_camera_metadata(tmp_path):
    # A phone photo with GPS, camera and dates in its EXIF.
    src = load_photo(__import__("conftest").SAMPLES / SAMPLE)
    im = Image.fromarray(src.rgb)
    exif = im.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0132] = "2026:11:01 10:00:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 0.0)
    photo = tmp_path / "phone.jpg"
    im.save(photo, exif=exif, quality=95)
    assert Image.open(photo).getexif()[0x010F] == "PhoneMaker"
    for name, argv in [("a.png", ["simulate"]), ("a.jpg", ["simulate"]), ("c.png", ["compare"]),
                       ("c.jpg", ["compare", "--mode", "side-by-side"])]:
        out = tmp_path / name
        assert main(argv + [str(photo), "-o", str(out)]) == 0
        raw = out.read_bytes()
        assert b"PhoneMaker" not in raw and b"Model X" not in raw and b"2026:11:01" not in raw
        with Image.open(out) as o:
            assert not o.getexif()
            assert set(getattr(o, "text", {}) or {}) <= {"smp-studio:settings"}
        from smp_studio.core.io.imageio import read_settings

        assert read_settings(out)["seed"] == 1  # the settings that made it are there


def test_label_pixels_and_clinic_band(sim):
    plain = export_image(sim, "after", label=False)
    labelled = export_image(sim, "after")
    assert plain.shape == labelled.shape
    diff = np.abs(labelled.astype(int) - plain.astype(int)).sum(axis=2) > 60
    assert diff[:60, :200].sum() > 100  # "Simulation" at the top left
    assert diff[-50:].sum() > 300  # the disclaimer at the bottom
    branded = export_image(sim, "side-by-side", brand="Northside SMP")
    assert branded.shape[0] > sim.photo.height  # a band under the images
    band = branded[sim.photo.height:]
    assert (band.mean(axis=2) < 60).mean() > 0.8 and (band > 200).any()  # dark band with light text


def test_width_is_the_finished_images_width(sim):
    for kind in ("after", "split", "side-by-side", "fresh-vs-healed"):
        assert export_image(sim, kind, width=800, label=False).shape[1] == 800


def test_wipe_animation_has_the_frames(tmp_path):
    from smp_studio.core.output.animation import read_frames

    for ext in ("mp4", "gif", "webp"):
        out = tmp_path / f"w.{ext}"
        assert main(["animate", "--sample", SAMPLE, "-o", str(out), "--seconds", "2", "--fps", "10", "--width", "320"]) == 0
        frames = read_frames(out)
        assert frames[0].shape[1] == 320
        if ext == "mp4":
            assert len(frames) == 20
        elif ext == "webp":  # Pillow's WebP reader does not report frame timing: check the content
            assert len(frames) >= 5
        else:
            with Image.open(out) as im:
                total = 0
                for i in range(im.n_frames):
                    im.seek(i)
                    total += im.info.get("duration", 0)
            assert 1800 <= total <= 2300  # same timing, identical frames merged
        before = np.asarray(Image.fromarray(load_photo(__import__("conftest").SAMPLES / SAMPLE).rgb).resize((320, 320)))
        mid = frames[len(frames) // 2 - 1]  # held on "after" half way through
        core = np.s_[120:200, 120:200]
        assert np.abs(frames[0][core].astype(int) - before[core]).mean() < 6  # starts on before
        assert np.abs(mid[core].astype(int) - before[core]).mean() > np.abs(frames[0][core].astype(int) - before[core]).mean()


def test_anonymise_hides_regions_and_crops(tmp_path):
    from smp_studio.core.output.anonymise import Region, anonymise

    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (200, 300, 3), dtype=np.uint8)
    out, found = anonymise(img, mode="blur", regions=[Region(50, 100, 80, 60)], detect_faces=False)
    hidden = out[100:160, 50:130].astype(float)
    assert hidden.std() < 0.3 * img[100:160, 50:130].astype(float).std()  # the detail is gone
    assert np.array_equal(out[:90], img[:90])  # the rest untouched
    cropped, _ = anonymise(img, mode="crop", regions=[Region(0, 120, 300, 80)], detect_faces=False)
    assert cropped.shape[0] == 120
    assert main(["anonymise", "--sample", "front-norwood4-hairline.jpg", "-o", str(tmp_path / "a.png"),
                 "--region", "100,380,440,260", "--mode", "bar"]) == 0


@pytest.mark.devdata
def test_faces_are_found_on_frontal_photos(devdata):
    from smp_studio.core.output.anonymise import detect

    faces = [f for f in sorted((devdata / "face_parsing" / "images").glob("*+0+0.jpg"))]
    hits = sum(any(r.kind == "face" for r in detect(load_photo(f).rgb)) for f in faces)
    assert hits >= 0.7 * len(faces)


def test_no_face_is_invented_on_scalp_photos(samples_dir):
    from smp_studio.core.output.anonymise import detect

    for f in samples_dir.glob("topdown-*.jpg"):
        assert detect(load_photo(f).rgb) == [], f.name


def test_batch_uses_both_cores_and_matches_single_renders(tmp_path, capsys, samples_dir):
    import shutil

    src = tmp_path / "in"
    src.mkdir()
    for n in (SAMPLE, "topdown-norwood7-dark-skin.jpg"):
        shutil.copy(samples_dir / n, src / n)
    (src / "broken.jpg").write_bytes(b"not a photo")
    code = main(["batch", str(src), "--preset", "clinic-comparison", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 1  # one failed, and says why
    assert "2 of 3 rendered" in out and "broken.jpg: not an image" in out
    assert "3/3" in err  # the progress bar
    # the same as rendering that photo on its own with the same preset
    pr = load_preset("clinic-comparison")
    single = Simulation(load_photo(src / SAMPLE), Settings.from_dict(pr.settings))
    assert main(["compare", str(src / SAMPLE), "-o", str(tmp_path / "single.jpg"), "--mode", "side-by-side",
                 "--width", str(pr.width), "--anonymise", pr.anonymise, "--density", "110"]) == 0
    # a marketing preset: files are numbered, and neither names nor records carry the photo's file name
    written = sorted(f.name for f in (tmp_path / "out").iterdir())
    assert "photo-002-side-by-side.jpg" in written and not any("norwood" in n for n in written)
    assert not any("norwood" in (tmp_path / "out" / n).read_text() for n in written if n.endswith(".json"))
    a = np.asarray(Image.open(tmp_path / "out" / "photo-002-side-by-side.jpg"))
    b = np.asarray(Image.open(tmp_path / "single.jpg"))
    assert a.shape == b.shape and np.array_equal(a, b)
    assert single.settings.density_per_cm2 == 110


def test_presets_and_clinic_validation(tmp_path):
    from smp_studio.core.errors import SettingsError

    with pytest.raises(SettingsError, match="exports"):
        Preset(exports=("poster",))
    with pytest.raises(SettingsError, match="no preset"):
        load_preset("does-not-exist")
    with pytest.raises(SettingsError, match="disclaimer"):
        Clinic(disclaimer=" ")
    c = Clinic.from_dict({"name": "X", "prices": [{"label": "A", "up_to_cm2": 50, "price": 10}], "future": 1})
    assert Clinic.from_dict(c.to_dict()).to_dict()["future"] == 1
    assert c.quote(500)[1] == "£10+"


def test_a_gif_wipe_has_one_palette_for_all_frames_and_stores_only_what_moves(sim, tmp_path):
    from smp_studio.core.output.animation import read_frames, wipe_frames, write_animation

    frames = wipe_frames(sim.photo.rgb, sim.render(), seconds=3, fps=20, width=480)
    write_animation(tmp_path / "w.gif", frames, fps=20)
    write_animation(tmp_path / "w.mp4", frames, fps=20)
    shown = read_frames(tmp_path / "w.gif")
    colours = np.unique(np.vstack([f.reshape(-1, 3) for f in shown]), axis=0)
    assert len(colours) <= 256  # one palette made once: every frame draws from the same 256 colours
    assert np.abs(shown[0].astype(int) - frames[0]).mean() < 6  # and it still looks like the photo
    # static parts are identical between frames, so the file holds little more than a video's worth
    assert (tmp_path / "w.gif").stat().st_size < 4 * (tmp_path / "w.mp4").stat().st_size


def test_exports_can_leave_out_the_photo_file_name_which_is_often_the_clients(tmp_path):
    """A clinic setting: no file name in images, sidecars, the handout's text or its PDF record."""
    import json as _json
    import shutil

    from pypdf import PdfReader

    from smp_studio.resources import sample_photo

    photo = tmp_path / "Jane-Doe-2026.jpg"
    shutil.copy(sample_photo(), photo)
    clinic = tmp_path / "clinic.json"
    clinic.write_text(_json.dumps({"name": "Northside SMP", "photo_names": False}))
    assert main(["compare", str(photo), "-o", str(tmp_path / "c.jpg"), "--clinic", str(clinic)]) == 0
    assert "Jane" not in (tmp_path / "c.jpg.json").read_text()
    assert main(["handout", str(photo), "-o", str(tmp_path / "h.pdf"), "--clinic", str(clinic)]) == 0
    pdf = PdfReader(str(tmp_path / "h.pdf"))
    text = "".join(p.extract_text() for p in pdf.pages) + str(pdf.metadata)
    assert "Jane" not in text and "Northside SMP" in text
    # with the setting on (the default), the record names the photo
    assert main(["compare", str(photo), "-o", str(tmp_path / "d.jpg")]) == 0
    assert "Jane-Doe-2026.jpg" in (tmp_path / "d.jpg.json").read_text()


def test_the_session_plan_fits_the_treatment_and_never_promises_nothing(tmp_path):
    """A scar camouflage plan speaks of the scar, not of a hairline; a session that places no new
    impressions is a touch-up, not "about 0"."""
    mask = np.zeros((640, 640), np.uint8)
    cv2.line(mask, (330, 100), (290, 290), 255, 14)  # along the sample's strip scar
    Image.fromarray(mask).save(tmp_path / "scar.png")
    out = tmp_path / "scar.pdf"
    assert main(["handout", "--sample", "back-norwood6-strip-scar.jpg", "--treatment", "scar", "--sessions", "4",
                 "--scar-mask", str(tmp_path / "scar.png"), "-o", str(out)]) == 0
    _, pages = pdf_text(out)
    plan = pages[1][pages[1].index("Your session plan"):]
    assert "into the scar" in plan and "hairline" not in plan.lower()
    assert "touch-ups only" in plan and "about 0\n" not in plan + "\n"
    # and with nothing marked there is nothing to plan: said, and no handout written
    assert main(["handout", "--sample", "back-norwood6-strip-scar.jpg", "--treatment", "scar",
                 "-o", str(tmp_path / "none.pdf")]) == 1
    assert not (tmp_path / "none.pdf").exists()
