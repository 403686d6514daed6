"""Issue 10: the shave preview clips the client's remaining hair, and only hair."""

import cv2
import numpy as np

from conftest import synthetic_head
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings


def test_shave_preview_clips_hair_for_the_full_look_and_is_saved():
    img, labels = synthetic_head(size=320, bald_radius=0.22)
    photo = Photo.from_array(img)
    ring = (labels == 3)
    full = Simulation(photo, Settings(seed=1, view="back"))
    assert full.settings.shave_on
    full.render()
    shaved = full.shaved()[0]  # the photo as clipped, before any pigment goes on
    clipped = ring & (full.shaved()[1] > 0.8)
    assert clipped.sum() > 0.2 * ring.sum()
    dark = lambda a: (a[clipped].mean(axis=1) < 70).mean()  # noqa: E731 - pixels as dark as the long strands
    assert dark(shaved) < 0.3 * dark(img)  # the long dark hair is gone
    assert shaved[clipped].mean() > img[clipped].mean() + 3  # skin shows, under a stubble shadow
    full.update(shave_guard_mm=3.0)
    full.render()
    longer = full.shaved()[0]
    assert longer[clipped].mean() < shaved[clipped].mean() - 5  # a longer guard leaves darker stubble
    off = Simulation(photo, Settings(seed=1, view="back", shave_preview="off")).render()
    assert abs(off[ring].astype(float).mean() - img[ring].astype(float).mean()) < 8
    dens = Settings(treatment="density")
    assert not dens.shave_on
    saved = Settings.from_dict(Settings(shave_preview="on", shave_guard_mm=3.0).to_dict())
    assert saved.shave_on and saved.shave_guard_mm == 3.0


def test_uneven_bare_skin_taken_for_hair_is_not_clipped_into_a_flat_patch():
    """Blotches of dark skin and a shine may be called hair: the shave leaves them as they are."""
    from smp_studio.core.engine.shave import shave, shave_region

    rng = np.random.default_rng(3)
    img = np.full((240, 240, 3), (150, 100, 72), np.float32)  # brown bald skin
    img[60:180, 30:100] = (26, 24, 22)  # a patch of dark hair
    img[60:180, 140:210] = (128, 84, 60)  # a darker blotch of the same skin
    yy, xx = np.mgrid[0:240, 0:240]
    shine = (yy - 210) ** 2 + (xx - 120) ** 2 < 14 ** 2
    img[shine] = (240, 232, 212)  # a highlight, glinting off the pores
    img[shine & (rng.random((240, 240)) < 0.15)] = (150, 100, 72)
    img += rng.normal(0, 4, (240, 240, 1))
    img = np.clip(img, 0, 255).astype(np.uint8)
    dens = np.zeros((240, 240), np.float32)
    dens[60:180, 30:100] = dens[60:180, 140:210] = 0.9  # the segmentation calls them all hair
    dens[shine] = 0.9
    head = np.ones((240, 240), bool)
    region = shave_region(dens, head, np.ones((240, 240), np.float32), Scale(3.0), rgb=img, bald=dens < 0.5,
                          edge_mm=0.0)
    out = shave(img, region, Scale(3.0), guard_mm=0.5, hair_rgb=(26, 24, 22), skin_mask=dens < 0.5)
    hair, blotch = (slice(80, 160), slice(45, 85)), (slice(80, 160), slice(155, 195))
    assert region[hair].mean() > 0.8 and region[blotch].mean() < 0.2 and region[shine].max() < 0.2
    assert out[hair].mean() > img[hair].mean() + 30  # the dark hair is clipped: skin shows
    assert np.abs(out[blotch].astype(int) - img[blotch]).mean() < 2  # the blotch is the photo's own skin


def test_a_wide_veil_of_white_hair_is_clipped_though_pale_like_a_shine():
    """White strands over a whole crown are lighter and greyer than the skin, as a shine is; but a
    shine is a spot, and the veil is hair the client clips."""
    from smp_studio.core.engine.shave import shave_region

    rng = np.random.default_rng(5)
    img = np.full((300, 300, 3), (205, 160, 135), np.float32)  # pale skin
    veil = np.zeros((300, 300), np.float32)
    for _ in range(2500):  # white strands over a 12 cm patch of the crown: near white, as a shine is
        x, y, a = rng.uniform(60, 240), rng.uniform(60, 240), rng.uniform(0, np.pi)
        cv2.line(veil, (int(x), int(y)), (int(x + 12 * np.cos(a)), int(y + 12 * np.sin(a))), 1.0, 1)
    img = img * (1 - veil[..., None]) + np.array((250, 250, 250), np.float32) * veil[..., None]
    img = np.clip(img + rng.normal(0, 3, (300, 300, 1)), 0, 255).astype(np.uint8)
    dens = np.zeros((300, 300), np.float32)
    dens[60:240, 60:240] = 0.8
    region = shave_region(dens, np.ones((300, 300), bool), np.ones((300, 300), np.float32), Scale(1.5), rgb=img,
                          bald=dens < 0.5, edge_mm=0.0)
    assert region[100:200, 100:200].mean() > 0.7


def test_one_buzz_clips_thinning_hair_with_the_dense_hair_around_it():
    """Clippers take thinning hair as well as dense: no band of long, thin hair is left at the edge of a
    clipped cap, nor long strands between clipped patches."""
    from smp_studio.core.engine.shave import shave_region

    rng = np.random.default_rng(2)
    img = np.full((240, 240, 3), (205, 160, 135), np.float32)  # bare skin
    dens = np.zeros((240, 240), np.float32)
    strands = np.zeros((240, 240), np.float32)
    # Long dark strands (12 mm: hair buzzed short is left as it is, see test_shave_buzz): dense above
    # row 110, and a mat of hair below it which the segmentation gives only a thinning density (the
    # band at a cap's edge).
    for _ in range(600):
        x, y, a = rng.uniform(20, 220), rng.uniform(20, 110), rng.uniform(0, np.pi)
        cv2.line(strands, (int(x), int(y)), (int(x + 24 * np.cos(a)), int(y + 24 * np.sin(a))), 1.0, 1)
    for _ in range(1000):
        x, y, a = rng.uniform(20, 220), rng.uniform(110, 150), rng.uniform(0, np.pi)
        cv2.line(strands, (int(x), int(y)), (int(x + 24 * np.cos(a)), int(y + 24 * np.sin(a))), 1.0, 1)
    img = img * (1 - strands[..., None]) + np.array((40, 32, 28), np.float32) * strands[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 1.5)  # a soft photo: single strands are no longer seen as lines
    img = np.clip(img + rng.normal(0, 2, (240, 240, 1)), 0, 255).astype(np.uint8)
    dens[20:110, 20:220], dens[110:150, 20:220] = 0.9, 0.3
    region = shave_region(dens, np.ones((240, 240), bool), np.ones((240, 240), np.float32), Scale(2.0), rgb=img,
                          bald=dens < 0.1, edge_mm=0.0)
    assert region[40:100, 40:200].mean() > 0.6  # the dense hair (bare skin between its strands)
    assert region[115:140, 40:200].mean() > 0.9  # and the band the segmentation calls thinning


def test_thick_hair_clipped_reads_as_a_grey_shadow_not_the_tan_of_the_neck():
    """The fill learns skin from tanned bare skin; under thick hair the clipped scalp is greyer."""
    from smp_studio.core.engine.shave import shave

    img = np.full((200, 200, 3), (190, 120, 80), np.uint8)  # tanned neck skin
    img[:, :120] = (30, 28, 26)  # thick dark hair
    reg = np.zeros((200, 200), np.float32)
    reg[:, :110] = 1
    def chroma(a):  # saturation: colourfulness for its lightness
        a = a.reshape(-1, 3).astype(float)
        return float(((a.max(1) - a.min(1)) / np.maximum(a.max(1), 1)).mean())

    thick = shave(img, reg, Scale(4.0), guard_mm=0.5, hair_rgb=(30, 28, 26), follicles=np.ones((50, 50)))
    thin = shave(img, reg, Scale(4.0), guard_mm=0.5, hair_rgb=(30, 28, 26), follicles=np.full((50, 50), 0.2))
    clipped = (slice(20, 180), slice(10, 90))
    assert chroma(thick[clipped]) < 0.6 * chroma(img[:, 150:])  # grey, not the orange-tan of the neck
    assert chroma(thick[clipped]) < chroma(thin[clipped]) - 0.08  # the denser the hair grew, the greyer


def _hair_patches(gap_fill, seed=4):
    """Two patches of dark hair on pale skin with a 10 mm gap between them (at 2 px/mm) filled by ``gap_fill``."""
    rng = np.random.default_rng(seed)
    img = np.full((200, 240, 3), (205, 160, 135), np.float32)
    strands = np.zeros((200, 240), np.float32)
    for _ in range(2500):
        x, y, a = rng.uniform(20, 220), rng.uniform(40, 160), rng.uniform(0, np.pi)
        cv2.line(strands, (int(x), int(y)), (int(x + 10 * np.cos(a)), int(y + 10 * np.sin(a))), 1.0, 1)
    img = img * (1 - strands[..., None]) + np.array((40, 32, 28), np.float32) * strands[..., None]
    gap = (slice(40, 160), slice(110, 130))
    img[gap] = gap_fill(img[gap])
    img = np.clip(cv2.GaussianBlur(img, (0, 0), 1.0) + rng.normal(0, 2, (200, 240, 1)), 0, 255).astype(np.uint8)
    dens = np.zeros((200, 240), np.float32)
    dens[40:160, 20:220] = 0.9
    dens[gap] = 0.1  # the segmentation sees little hair in the gap
    return img, dens, gap


def test_clipped_patches_close_over_a_gap_of_hair_but_not_over_bare_skin():
    """A narrow gap the segmentation calls nearly bare is clipped with the hair around it when it shows
    hair too (no tuft of long hair left standing between clipped patches), and left alone when it is
    bare skin (a blotch of the same skin, darker)."""
    from smp_studio.core.engine.shave import shave_region

    def clip(img, dens):
        return shave_region(dens, np.ones(dens.shape, bool), np.ones(dens.shape, np.float32), Scale(2.0), rgb=img,
                            bald=np.zeros(dens.shape, bool) | (dens == 0), edge_mm=0.0)

    hairy, dens, gap = _hair_patches(lambda g: g)
    assert clip(hairy, dens)[gap].mean() > 0.8
    blotch, dens, gap = _hair_patches(lambda g: np.full_like(g, (175, 128, 100)))
    assert clip(blotch, dens)[gap].mean() < 0.4


def test_a_bald_head_has_next_to_nothing_to_clip():
    """On the bundled bald samples (fair and dark skin, shine, blotches, shade), the shave preview
    leaves the head as the photo has it: at most a few per cent of it changes visibly."""
    from smp_studio.core.io.opening import open_simulation
    from smp_studio.resources import sample_photo

    for name in ("topdown-norwood7-dark-skin.jpg", "topdown-norwood7-fair-skin.jpg"):
        sim = open_simulation(sample_photo(name)).sim
        assert sim.settings.shave_on
        clipped = sim.shaved()[0]
        changed = np.abs(clipped.astype(int) - sim.photo.rgb).max(axis=2) > 8
        assert changed[sim.segmentation.head_mask].mean() < 0.05, name


def test_a_crown_veiled_in_pale_strands_keeps_its_own_skin_tone_when_clipped():
    """When the whole crown is under a veil of pale hair and all of it is clipped, no bare skin is left
    beside the clipped area to learn the skin from: the skin seen through the veil is the client's,
    not the beige of a carpet the segmentation also took for skin."""
    from smp_studio.core.engine.shave import shave

    img = np.full((240, 240, 3), (30, 28, 26), np.uint8)  # dark hair all round
    yy, xx = np.mgrid[0:240, 0:240]
    crown = (yy - 120) ** 2 + (xx - 120) ** 2 < 60 ** 2
    img[crown] = (214, 190, 192)  # pale pink skin through the veil
    img[215:, :25] = (200, 180, 110)  # a sandy carpet in the corner, taken for skin too
    skin = crown.copy()
    skin[215:, :25] = True
    region = np.zeros((240, 240), np.float32)
    region[20:220, 50:220] = 1.0  # everything on the head is clipped
    out = shave(img, region, Scale(2.0), guard_mm=0.5, hair_rgb=(30, 28, 26), skin_mask=skin,
                follicles=np.where(crown, 0.0, 0.9).astype(np.float32))
    centre = out[100:140, 100:140].reshape(-1, 3).astype(float).mean(axis=0)
    assert centre[2] > centre[1] - 10  # pink, as the crown is: not the carpet's sand
    assert abs(centre.mean() - img[100:140, 100:140].mean()) < 25


def test_pigment_over_clipped_hair_shows_only_between_the_stubble():
    """Clipped dense hair leaves stubble and roots over part of the skin: pigment blended over it shows
    through the rest, so a longer guard hides more of it (and the blend is not laid on top of the
    stubble shadow at full strength, a dark band where treated scalp meets clipped hair)."""
    img, labels = synthetic_head(size=320, bald_radius=0.22)
    ring = (labels == 3)

    def darkening(guard_mm):
        sim = Simulation(Photo.from_array(img), Settings(seed=1, view="back", shave_guard_mm=guard_mm))
        base, region = sim.shaved()
        out = sim.render()
        clipped = ring & (region > 0.9)
        b, o = base[clipped].astype(float).mean(), out[clipped].astype(float).mean()
        return (b - o) / b

    assert darkening(3.0) < 0.75 * darkening(0.0)


def test_a_veil_of_fine_pale_strands_leaves_no_stubble_shadow_once_clipped():
    """The bundled crown sample's thinning crown is a veil of fine pale strands under flash: clipped, it
    shows the client's pale skin (for the pigment to go on), not the grey shadow the dark hair around
    it leaves; a grey crown made the whole head read as grey felt."""
    from smp_studio.core.io.opening import open_simulation
    from smp_studio.resources import sample_photo

    sim = open_simulation(sample_photo("crown-norwood4-diffuse-thinning.jpg")).sim
    shaved, region = sim.shaved()
    crown = (sim.segmentation.labels == 1) & (region > 0.9)
    dark = (sim.segmentation.labels == 3) & (region > 0.9)
    assert crown.sum() > 0.1 * crown.size and dark.sum() > 0.05 * dark.size
    photo = sim.photo.rgb.astype(float)
    assert abs(shaved[crown].mean() - photo[crown].mean()) < 10  # the skin, as light as the veil showed it
    assert shaved[dark].mean() < shaved[crown].mean() - 30  # the dark hair's stubble shadow stays


def test_clipped_brown_hair_keeps_the_warm_hue_of_the_skin_beside_it():
    """On the bundled front sample the clipped patches of dense hair keep the warm hue of the skin beside
    them (clipped brown hair is brown stubble on that skin), not grey blobs. (The hair at the head's
    outline, which beside them read as greyer still, is clipped too now.)"""
    from smp_studio.core.io.opening import open_simulation
    from smp_studio.resources import sample_photo

    sim = open_simulation(sample_photo("front-norwood4-hairline.jpg")).sim
    shaved, region = sim.shaved()
    clipped = region > 0.9
    near = cv2.dilate(clipped.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=int(10 * sim.scale.px_per_mm))
    beside = (near > 0) & (region < 0.05) & (sim.segmentation.labels == 1)
    assert clipped.sum() > 0.05 * clipped.size and beside.sum() > 0.02 * beside.size

    def chroma(a):
        a = a.astype(float)
        return float(((a.max(1) - a.min(1)) / np.maximum(a.max(1), 1)).mean())

    assert chroma(shaved[clipped]) > 0.65 * chroma(shaved[beside])


def test_clipped_stubble_is_no_sharper_than_the_photo_skin():
    """A soft photo (here a sample enlarged to 3 MP, with fine sensor grain) shows no detail finer than
    its skin's: the stubble the shave lays down is drawn as soft, not as crisp sticks on a blurred head."""
    from smp_studio.bench import make_photo

    rgb = make_photo(3, name="crown-norwood4-diffuse-thinning.jpg")
    sim = Simulation(Photo.from_array(rgb), Settings(view="topdown"))
    shaved, region = sim.shaved()
    clipped = region > 0.95
    assert clipped.mean() > 0.2

    def fine(a):  # detail finer than 2 px, over the clipped scalp
        g = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float(np.sqrt(((g - cv2.GaussianBlur(g, (0, 0), 2.0))[clipped] ** 2).mean()))

    assert fine(shaved) < 1.5 * fine(rgb)


def test_clipped_hair_has_the_texture_of_a_real_buzz_cut():
    """Clipped hair shows its follicles as fine points with skin between them, about as textured as the
    stubble in the bundled photo of a real buzz cut: neither a flat tint with grain (read as felt on the
    crown sample) nor a coarse speckle (read as granite)."""
    from smp_studio.core.io.opening import open_simulation
    from smp_studio.resources import sample_photo

    def texture(rgb, m):  # detail between 1 and 4 px, over the lightness there
        g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float((cv2.GaussianBlur(g, (0, 0), 1.0) - cv2.GaussianBlur(g, (0, 0), 4.0))[m].std() / g[m].mean())

    def inner(sim):  # well inside the head, away from its outline
        px = sim.scale.px_per_mm
        return cv2.erode(sim.segmentation.head_mask.astype(np.uint8), np.ones((3, 3), np.uint8),
                         iterations=int(8 * px)) > 0

    real = open_simulation(sample_photo("topdown-norwood6-shaved-look.jpg")).sim
    stubble = (real.segmentation.labels == 3) & inner(real)
    assert stubble.sum() > 2000
    sim = open_simulation(sample_photo("crown-norwood4-diffuse-thinning.jpg")).sim
    shaved, region = sim.shaved()
    clipped = (region > 0.95) & (sim.segmentation.labels == 3) & inner(sim)
    assert clipped.mean() > 0.05
    ours, theirs = texture(shaved, clipped), texture(real.photo.rgb, stubble)
    assert 0.6 * theirs < ours < 1.6 * theirs


def test_the_crown_samples_clipped_dark_ring_reads_as_a_buzz_cut_inside_a_smooth_outline():
    """The bundled crown sample (a pale veiled crown ringed by thick dark hair, on a pale fur rug)
    clipped whole: the dark ring is a dark buzz cut, well below the crown's pale skin, an even shadow
    (not pale granite peppered with black dots), and the head's outline is a skull's, with no bite of
    the rug's colour into the head where the long hair's fuzz was."""
    from smp_studio.core.io.opening import open_simulation
    from smp_studio.resources import sample_photo

    sim = open_simulation(sample_photo("crown-norwood4-diffuse-thinning.jpg")).sim
    shaved, region = sim.shaved()
    seg, px = sim.segmentation, sim.scale.px_per_mm

    def lab(img):
        out = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32)
        out[..., 0] *= 100 / 255
        out[..., 1:] -= 128
        return out

    head = seg.head_mask.astype(np.uint8)
    inner = cv2.erode(head, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(12 * px) | 1,) * 2)) > 0
    ring = (seg.labels == 3) & inner & (region > 0.9)
    crown = (seg.labels == 1) & inner & (region > 0.9)
    assert ring.sum() > 0.1 * ring.size and crown.sum() > 0.1 * crown.size
    L = lab(shaved)[..., 0]
    assert L[ring].mean() < 0.66 * L[crown].mean()  # a dark buzz cut beside the pale skin (was 0.74)
    fine = L - cv2.GaussianBlur(L, (0, 0), px)  # detail finer than a millimetre
    assert fine[ring].std() < 0.07 * L[ring].mean()  # an even shadow, not granite (was 0.086)
    # The rug's colour, far below the head; the band 3.5-8 mm inside the head's outline, smoothed
    # as a skull's (the clipped outline moves in by about 2.5 mm), along the rug.
    far = cv2.dilate(head, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(20 * px) | 1,) * 2)) == 0
    low = np.zeros(head.shape, bool)
    low[int(0.55 * head.shape[0]):] = True
    rug = lab(sim.photo.rgb)[far & low].mean(axis=0)
    skull = (cv2.GaussianBlur(head.astype(np.float32), (0, 0), 6 * px) > 0.5).astype(np.uint8)
    depth = cv2.distanceTransform(skull, cv2.DIST_L2, 5) / px
    band = low & (depth > 3.5) & (depth < 8)
    rug_like = np.linalg.norm(lab(shaved)[band] - rug, axis=1) < 15
    assert band.sum() > 500 and rug_like.mean() < 0.01  # (was 0.049: bites of rug along the outline)
