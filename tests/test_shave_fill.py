"""Issue 10's shave preview, what it fills in: the head's outline once its hair is clipped, and the
clipped skin's texture and light, from the bare skin beside it."""

import cv2
import numpy as np

from conftest import synthetic_head
from smp_studio.core.model.scale import Scale


def _outline_distance(head):
    """Distance (px) of each head pixel from the head's outline (the frame's edge is none)."""
    return cv2.distanceTransform(np.pad(head.astype(np.uint8), 1, constant_values=1), cv2.DIST_L2, 5)[1:-1, 1:-1]


def test_the_hair_at_the_heads_outline_is_clipped_and_the_outline_moves_in():
    """Seen from above, the hair runs out to the head's outline: clipped, no ring of long dark hair is
    left around the clipped top, and past the clipped head's outline (where the long hair stood off
    the skull) the background shows, not skin painted over it."""
    from smp_studio.core.engine.shave import shave, shave_region

    bg = np.array((70, 95, 140), float)
    img, labels = synthetic_head(size=320, bald_radius=0.2, bg=tuple(bg))
    head, bald = labels > 0, labels == 1
    scale = Scale(2.0)
    region = shave_region((labels == 3).astype(np.float32), head, np.ones(head.shape, np.float32), scale,
                          rgb=img, bald=bald, around_mm=60)
    out = shave(img, region, scale, guard_mm=0.5, hair_rgb=(45, 35, 30), skin_mask=bald, head_mask=head)
    inside = _outline_distance(head)
    rim = head & (inside < 4 * scale.px_per_mm)

    assert region[rim].mean() > 0.8
    assert (np.abs(out.astype(int) - img).max(axis=2) > 8)[rim].mean() > 0.8  # no long hair is left there
    past = head & (inside < 1.0 * scale.px_per_mm)
    assert np.abs(out[past].astype(float).mean(axis=0) - bg).max() < 20  # the wall, as beside the head


def test_a_bald_heads_shaded_rim_keeps_its_outline():
    """A bald head's skin darkens toward its outline, where the segmentation may call it hair: nothing
    clipped lies inside that rim, so it is not clipped, nor its outline moved in."""
    from smp_studio.core.engine.shave import shave, shave_region

    rng = np.random.default_rng(1)
    size, scale = 320, Scale(2.0)
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.hypot(xx - size / 2, yy - size / 2)
    head = r < 130
    img = np.empty((size, size, 3), np.float32)
    img[:] = (70, 95, 140)
    shade = np.clip((130 - r) / 26, 0.45, 1.0)[..., None]  # the last 13 mm fall into shade
    img[head] = ((np.array((150, 100, 72), np.float32) * shade)[head])
    img = np.clip(img + rng.normal(0, 3, (size, size, 1)), 0, 255).astype(np.uint8)
    dens = (head & (r > 108)).astype(np.float32) * 0.9  # the shaded rim, taken for hair
    bald = head & (dens < 0.5)
    region = shave_region(dens, head, np.ones(head.shape, np.float32), scale, rgb=img, bald=bald)
    out = shave(img, region, scale, guard_mm=0.5, hair_rgb=(40, 30, 25), skin_mask=bald, head_mask=head)
    rim = head & (_outline_distance(head) < 3 * scale.px_per_mm)
    changed = np.abs(out.astype(int) - img).max(axis=2) > 8
    assert changed[rim].mean() < 0.05


def test_a_clipped_patch_has_the_texture_of_the_bare_skin_around_it():
    """A head buzzed so short that most of it reads as bare skin, with a patch read as hair: clipped,
    the patch carries the texture of the skin around it (its pores and stubble points), not a smooth
    fill that reads as a pale hole in the buzz."""
    from smp_studio.core.engine.shave import shave

    rng = np.random.default_rng(7)
    size, scale = 300, Scale(3.0)
    img = np.full((size, size, 3), (196, 150, 128), np.float32)
    points = np.zeros((size, size), np.float32)
    n = rng.integers(0, size, (2, 6000))
    points[n[0], n[1]] = 1.0  # stubble points all over, ~1 per mm²
    patch = (slice(100, 200), slice(80, 220))
    extra = rng.integers(0, 100, (2, 3000))
    points[extra[0] + 100, extra[1] + 100] = 1.0  # denser in the patch: there it reads as hair
    points = cv2.GaussianBlur(points, (0, 0), 0.8) * 6
    img = img * (1 - np.clip(points, 0, 0.8)[..., None]) + np.array((60, 45, 40), np.float32) * np.clip(points, 0, 0.8)[..., None]
    img = np.clip(img + rng.normal(0, 2, (size, size, 1)), 0, 255).astype(np.uint8)
    region = np.zeros((size, size), np.float32)
    region[patch] = 1.0
    region = cv2.GaussianBlur(region, (0, 0), 3)
    out = shave(img, region, scale, guard_mm=0.5, hair_rgb=(60, 45, 40), skin_mask=region < 0.02,
                follicles=np.zeros((size, size), np.float32))  # the points are no darker than the skin reads

    def detail(a, m):  # finer than a millimetre, over lightness
        g = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float(np.abs(g - cv2.GaussianBlur(g, (0, 0), 3.0))[m].mean() / g[m].mean())

    inner = np.zeros((size, size), bool)
    inner[120:180, 110:190] = True
    around = (region < 0.01) & (cv2.dilate((region > 0.5).astype(np.uint8), np.ones((3, 3), np.uint8),
                                            iterations=30) > 0)
    assert detail(out, inner) > 0.6 * detail(img, around)


def test_the_clipped_skin_takes_the_light_of_the_bare_skin_nearest_it():
    """A head turning from the light: the hair low on it is in shade. Clipped, its skin is as dark as
    the bare skin at the clipped area's soft edge, not as light as the lit skin beyond that edge (a
    pale hole in a shaded buzz)."""
    from smp_studio.core.engine.shave import shave

    rng = np.random.default_rng(3)
    size = 300
    light = np.linspace(1.15, 0.55, size, dtype=np.float32)[:, None, None]  # lit above, shaded below
    skin = np.full((size, size, 3), (190, 140, 118), np.float32) * light
    img = skin.copy()
    strands = np.zeros((size, size), np.float32)
    for _ in range(1500):
        x, y, a = rng.uniform(40, 260), rng.uniform(190, 270), rng.uniform(0, np.pi)
        cv2.line(strands, (int(x), int(y)), (int(x + 12 * np.cos(a)), int(y + 12 * np.sin(a))), 1.0, 1)
    img = img * (1 - strands[..., None]) + np.array((35, 28, 25), np.float32) * strands[..., None]
    img = np.clip(img + rng.normal(0, 2, (size, size, 1)), 0, 255).astype(np.uint8)
    hair = np.zeros((size, size), np.float32)
    hair[185:275, 35:265] = 1
    region = cv2.GaussianBlur(hair, (0, 0), 12)  # the clipped area's soft edge, ~1 cm at 3 px/mm
    region = np.clip(region * 1.6, 0, 1)
    out = shave(img, region, Scale(3.0), guard_mm=0.5, hair_rgb=(35, 28, 25), skin_mask=hair < 0.5,
                follicles=np.zeros((size, size), np.float32))
    inner = (slice(215, 245), slice(100, 200))
    under = skin[inner].mean()  # the skin under the hair, in its shade
    assert abs(out[inner].astype(float).mean() - under) < 0.08 * under


def test_a_wrinkled_forehead_lends_the_clipped_scalp_no_stripes():
    """The clearest bare skin beside a clipped head can be a forehead with its wrinkles: tiled over
    the clipped scalp as its 'texture', they ran across it as stripes."""
    from smp_studio.core.engine.shave import shave

    rng = np.random.default_rng(3)
    size, scale = 300, Scale(3.0)
    img = np.full((size, size, 3), (196, 150, 128), np.float32)
    for y in range(160, 300, 9):  # the forehead below: bare skin, creased across
        img[y:y + 2, :] -= 45
    img[:140] = (70, 55, 45)  # hair above it
    img = np.clip(img + rng.normal(0, 2, (size, size, 1)), 0, 255).astype(np.uint8)
    region = np.zeros((size, size), np.float32)
    region[20:130, 40:260] = 1.0
    region = cv2.GaussianBlur(region, (0, 0), 3)
    out = shave(img, region, scale, guard_mm=0.5, hair_rgb=(70, 55, 45), skin_mask=np.arange(size)[:, None] > 150,
                follicles=np.zeros((size, size), np.float32))
    g = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(np.float32)[40:110, 60:240]
    g -= cv2.GaussianBlur(g, (0, 0), 6)
    rows, cols = g.mean(axis=1).std(), g.mean(axis=0).std()  # stripes across: the rows' means swing
    assert rows < 2.0 * cols + 0.3


def test_the_clipped_head_darkens_a_little_toward_its_new_outline():
    """Stubble at the outline is seen edge-on: its shadow is deeper there, a thin darker rim, as a
    buzzed head's silhouette has (a flat fill right to the edge read as a cut-out)."""
    import smp_studio.core.engine.shave as shave_module

    img, labels = synthetic_head(size=320, bald_radius=0.2)
    head, bald = labels > 0, labels == 1
    scale = Scale(2.0)
    region = shave_module.shave_region((labels == 3).astype(np.float32), head, np.ones(head.shape, np.float32),
                                       scale, rgb=img, bald=bald, around_mm=60)

    def lightness(depth):
        shave_module.EDGE_ON_DEPTH, before = depth, shave_module.EDGE_ON_DEPTH
        try:
            out = shave_module.shave(img, region, scale, guard_mm=0.5, hair_rgb=(45, 35, 30), skin_mask=bald,
                                     head_mask=head)
        finally:
            shave_module.EDGE_ON_DEPTH = before
        return cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(float)

    inside = _outline_distance(head)
    near = head & (inside > 3.5 * scale.px_per_mm) & (inside < 5.5 * scale.px_per_mm)  # just inside the new outline
    deep = head & (inside > 12 * scale.px_per_mm) & (region > 0.95)
    g = lightness(shave_module.EDGE_ON_DEPTH)
    assert g[near].mean() < g[deep].mean() - 2  # darker at the rim than deeper in
    flat = lightness(0.0)
    assert g[near].mean() < flat[near].mean() - 1  # and it is the edge-on shadow that darkens it


def test_the_clipped_heads_outline_is_smooth_where_the_hairs_fuzz_bit_into_its_mask():
    """The head's mask follows the fuzz of long hair at its edge: the background shows through it in
    bites, tufts stand off it. Clipped, the skull beneath has a smooth outline: no bite of the
    background left in the head, and no tuft of hair, or of the head, standing on the background."""
    from smp_studio.core.engine.shave import shave

    size, r, scale = 320, 120, Scale(3.0)
    yy, xx = np.mgrid[0:size, 0:size]
    a = np.arctan2(yy - 160, xx - 160)
    dist = np.hypot(yy - 160, xx - 160)
    # The fuzz: the hair's edge wanders out and in by up to 4 mm, in tufts and bites 3 to 6 mm wide.
    edge = r + 12 * np.maximum(np.sin(23 * a), 0) ** 2 - 9 * np.maximum(np.sin(31 * a + 1), 0) ** 2
    fuzz = dist < edge
    img = np.full((size, size, 3), (232, 226, 208), np.uint8)  # a pale rug
    img[fuzz] = (38, 34, 32)  # dark hair
    region = cv2.GaussianBlur(fuzz.astype(np.float32), (0, 0), 2.0)
    out = shave(img, region, scale, guard_mm=0.5, hair_rgb=(38, 34, 32),
                follicles=np.full((size, size), 0.9, np.float32), head_mask=fuzz)
    rug = np.linalg.norm(out.astype(float) - (232, 226, 208), axis=2) < 30
    # Within the skull (the fuzz's inner edge, minus what clipping moves the outline in) no rug shows;
    # past its outer edge, no head.
    inner, outer = r - 9, r + 12
    assert rug[(dist < inner - 3 * scale.px_per_mm) & (dist > inner - 8 * scale.px_per_mm)].mean() < 0.02
    assert (~rug)[(dist > outer) & (dist < outer + 10)].mean() < 0.02
    # And the outline between is one smooth curve: its radius wanders by a millimetre or so.
    angles = np.linspace(-np.pi, np.pi, 180, endpoint=False)
    radii = []
    for t in angles:
        ray = np.arange(40, 158)
        px_ = (160 + ray * np.sin(t)).astype(int), (160 + ray * np.cos(t)).astype(int)
        radii.append(ray[np.argmax(rug[px_])])
    radii = np.array(radii, float)
    assert np.abs(radii - np.median(radii)).max() < 1.5 * scale.px_per_mm
