"""Which way the camera looked: front, top-down, back, left or right.

Five cues, in order, all hand-set (nothing is fitted to photos):

1. A face the mesh confirms (:func:`~smp_studio.core.analysis.face.find_face`)
   means a front view, or a side view when it is turned well away.
2. The face detector's keypoints (:func:`profile_cue`): on a profile its
   two "ears" fall together behind the nose, which stands a whole ear span
   or more out to one side; on a face looking at the camera it stays
   between them. Which way the nose points is which side is seen. The
   detector alone is sure only when the mesh network also sees part of a
   face (:func:`face_presence`): an ear on the back of a head can fool it.
3. The mesh network's own presence score on the crops the face search ran
   (its seeds stretch a face looking down upright): the brows and eyes of
   a face looking down, a front view the mesh cannot fit.
4. A face looking down too far (lids lowered, eyes hardly darker than the
   skin) for the search to believe, on which the mesh still stays when its
   crop moves (:mod:`~smp_studio.core.analysis.downcast`): a front view.
5. Otherwise a back view or a top-down one, by five hand-set cues voting
   (:data:`BACK_CUES`): the head's outline running off the frame's bottom
   edge (a neck), its hollows beside a neck, bare skin across the middle,
   and from the person's outline (MediaPipe's selfie segmentation,
   :mod:`~smp_studio.core.analysis.body`) the background around the person
   and the shoulders spreading under the neck. Said to be unsure unless all
   five say the back of a head.

Two free checks settle side views the mesh does not confirm: a profile cue the
mesh sees no face on yields to every back cue agreeing, and a nose off the
ears' middle agreeing with the skin's and the hair's sides is a three-quarter
view (:func:`_three_quarter`).

Measured with ``tools/eval_view.py`` on the development set (465 photos, 93
per view): front 77 %, top-down 85 %, back 80 %, left 94 %, right 91 % (85.4 %
overall: 88.9 % on even-numbered subjects, on which the layout's cues were
set, 81.7 % on odd ones, on which the face looking down was; 84.3 % before the
two side checks, 87.7 and 80.4 %). Before the face looking down:
front 66 %, 82 % overall (85 % and 79 %); before the person's outline 79 %,
before the head's 76 %. Guesses at or
above :data:`LOW_CONFIDENCE` (50 % of photos) are right 99 % of the time
(but for two swapped labels);
the studio asks about the rest. On the top-down and back photos the layout
decides, each body cue alone is right about 4 times in 5 on either half of
the subjects (each of the head's three 2 times in 3 to 3 in 4), all five
together nearly 9 in 10. Fronts looking down so far that only the forehead
and brows show are most of what is left: the mesh drifts on them, its
presence is erratic, and nothing in the layout tells such a bald forehead
from a crown. Tried against crowns and not kept (no better than 2 times in
3 on one half of the subjects or the other): the detector on the photo or
its lower part stretched upright (it scores crowns and backs as high), thin
dark lines across the bottom (brows, closed eyes), skin chroma and texture
below the forehead, the head's and the skin's width low down and the
flatness of the skin's lower edge, the head's outline beyond the skull's
fitted arc, and the person's outline (how high it reaches, its share at the
sides). Tried for top-down against back and not kept: the hair's direction
low in the middle, the outline's width low down and its fill of its
enclosing circle, bumps of ears on the outline, the skin below the hair's
lower edge, hair across the middle, the person's share outside the head,
the brightest skin, Haar eye cascades, the detector's count of weak
detections, hair whorls, the hair's share along the outline, skin-coloured
ears beside it, and MediaPipe's pose landmarks (none found on close-ups);
later, each alone right 2 times in 3 to 3 in 4 and no help beside these
votes on odd subjects: ears as a pair of skin blobs (YCrCb) beside the head
(clear on backs, but a bald crown breaks into such blobs), the outline's
bumps beside its rows above and below, the hair's grain at the sides and
about the crown, and the detector on the photo upside down (its box and its
nose-to-mouth span are smaller on backs; even subjects 87 to 91 %, odd 86 to 83).

Opening a photo waits on this search, and a photo without a face costs the
most: about 62 to 66 network forwards on a top-down or back photo of the
development set (one for the person's outline, about 7 for a face looking
down), 33 on a side view (about 5 ms each; 165 before the search was
trimmed on the development set to what found faces there: see
:data:`~smp_studio.core.analysis.face.SEEDS` and :data:`~smp_studio.core.analysis.presence.SCAN_ANGLES`). A
profile's face search skips the places a face looking down usually is.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.analysis import face_models as fm
from smp_studio.core.analysis.body import body_features, outline_features, person_grid
from smp_studio.core.analysis.downcast import STEADY_DRIFT, downcast_drift
from smp_studio.core.analysis.face import Face, search_face
from smp_studio.core.analysis.presence import face_presence
from smp_studio.core.analysis.segmentation import BACKGROUND, BALD, segment

VIEW_NAMES = ("front", "topdown", "back", "left", "right")
#: Below this confidence the studio should ask rather than trust the guess.
LOW_CONFIDENCE = 0.6
#: Yaw (degrees) beyond which a face seen by the mesh counts as a side view.
SIDE_YAW = 40.0
LAYOUT_SIZE = 64  # the skin/hair layout is read on a grid this many cells across


@dataclass(frozen=True)
class ViewGuess:
    """The detected view, how sure it is (0..1), and the face if one was found."""

    view: str
    confidence: float
    face: Face | None = None

    @property
    def uncertain(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


def layout_features(labels: np.ndarray) -> dict:
    """Shares of skin and hair in parts of the photo, from segmentation labels.

    Examples
    --------
    >>> import numpy as np
    >>> lab = np.zeros((64, 64), np.uint8); lab[16:56, 4:30] = 1; lab[8:40, 34:60] = 3
    >>> f = layout_features(lab)
    >>> bool(f["skin_side"] > 0.3), bool(f["hair_side"] > 0.3)  # skin on the image-left: a face looking left
    (True, True)
    """
    lab = cv2.resize(np.asarray(labels, np.uint8), (LAYOUT_SIZE, LAYOUT_SIZE), interpolation=cv2.INTER_NEAREST)
    skin = (lab == BALD).astype(np.float32)
    hair = (lab > BALD).astype(np.float32)
    n = LAYOUT_SIZE
    mid = slice(n // 4, 7 * n // 8)
    left, right = skin[mid, : n // 2].mean(), skin[mid, n // 2:].mean()
    hl, hr = hair[mid, : n // 2].mean(), hair[mid, n // 2:].mean()
    # Where the hair lies across the head from the skin, above the chin: in a profile the
    # hair is on the back of the head, the skin (forehead, cheek) toward the nose.
    band = lab[n // 8: 3 * n // 4]
    xs = np.broadcast_to(np.arange(n, dtype=np.float32), band.shape)
    on_skin, on_hair = band == BALD, band > BALD
    hair_side = (float((xs[on_hair].mean() - xs[on_skin].mean()) / n)
                 if on_skin.sum() >= 5 and on_hair.sum() >= 5 else 0.0)
    return {
        # > 0: hair to the image-right of the skin (a face looking left).
        "hair_side": hair_side,
        # > 0: skin on the image-left and hair on the right (a face looking left).
        "skin_side": float((left - right) - (hl - hr)),
        "skin_middle": float(skin[3 * n // 8: 3 * n // 4, n // 4: 3 * n // 4].mean()),
        "skin_below": float(skin[3 * n // 4:, n // 4: 3 * n // 4].mean()),
        "hair_middle": float(hair[n // 4: 3 * n // 4, n // 4: 3 * n // 4].mean()),
        "head": float((lab != BACKGROUND).mean()),
        **outline_features(labels),
    }


def decide(features: dict, face: Face | None) -> ViewGuess:
    """The view from layout features, the face detector's profile cue, the mesh's face presence and the face.

    ``features`` holds :func:`layout_features`, ``presence`` and
    ``low_presence`` (from :func:`face_presence`), ``search_presence`` (the
    best presence the face search saw, :func:`~smp_studio.core.analysis.face.search_face`)
    and :func:`profile_cue`'s ``nose_offset`` and ``detector_score``.

    Examples
    --------
    >>> decide({"hair_middle": 0.4, "skin_middle": 0.4, "presence": 0.95,
    ...         "nose_offset": -0.9, "detector_score": 0.8}, None).view
    'left'
    """
    nose, score = features.get("nose_offset", 0.0), features.get("detector_score", 0.0)
    side = "left" if nose < 0 else "right"
    profile = abs(nose) >= PROFILE_NOSE and score >= PROFILE_SCORE
    if face is not None:
        if profile and abs(face.yaw) < SIDE_YAW:
            # The mesh fitted a profile as a turned face (its yaw is least sure there); the nose
            # standing out beside the ears says which way it looks.
            return ViewGuess(side, float(np.clip(0.7 + 0.3 * score, 0, 0.95)), face)
        if abs(face.yaw) >= SIDE_YAW:
            # Yaw > 0 turns the face toward image-right.
            return ViewGuess("right" if face.yaw > 0 else "left", min(1.0, face.score), face)
        return ViewGuess("front", float(np.clip(0.6 + 0.4 * face.score, 0, 1)), face)
    presence = features.get("presence", 0.0)
    if profile:
        # The detector sees a face whose nose stands well out beside its ears: a profile, looking
        # the way the nose points. Sure only when the mesh network sees a face too: an ear on
        # the back of a head or on a crown can fool the detector alone.
        if presence >= PROFILE_PRESENCE:
            return ViewGuess(side, float(np.clip(0.7 + 0.3 * score, 0, 0.95)), None)
        # Unconfirmed, it yields to every layout cue saying the back of a head (4 of 186 side
        # photos of the development set, 17 of 93 backs, no top-down).
        return ViewGuess("back" if back_votes(features) >= len(BACK_CUES) else side, 0.55, None)
    if presence >= SIDE_PRESENCE and abs(nose) >= HALF_PROFILE_NOSE and score >= PROFILE_SCORE:
        # The mesh believes in a face and the nose is off the ears' middle: a three-quarter view.
        return ViewGuess(side, 0.65, None)
    if (features.get("low_presence", 0.0) >= FRONT_PRESENCE
            or features.get("search_presence", 0.0) >= SEARCH_PRESENCE):
        # Part of a face the mesh believes in low in the frame and upright, but neither a face
        # that looks at the camera nor a profile: a front view looking down, brows and eyes at
        # the bottom of the photo.
        return ViewGuess("front", 0.5, None)
    if features.get("downcast_drift", np.inf) <= STEADY_DRIFT:
        # A mesh that stays on brows, eyes and nose low in the frame when its crop moves, its eyes
        # no lighter than the skin around them: a face looking down (lids lowered) the search
        # could not believe (:mod:`~smp_studio.core.analysis.downcast`).
        return ViewGuess("front", 0.5, None)
    if _three_quarter(features, nose, score):
        return ViewGuess(side, 0.55, None)
    # No face at all: top-down or back. Hair across the middle and little skin there is the
    # back of a head; the confidences stay below LOW_CONFIDENCE (these guesses are right about
    # 2 times in 3) unless every cue agrees on a back.
    votes = back_votes(features)
    if votes >= len(BACK_CUES):
        # Every cue, the body's among them, says the back of a head: right every time on the
        # development set (17 photos), so the studio need not ask.
        return ViewGuess("back", LOW_CONFIDENCE, None)
    if votes > 0:
        return ViewGuess("back", 0.45 + 0.1 * min(votes, 3) / 3, None)
    return ViewGuess("topdown", 0.4 + 0.1 * min(-votes, 3) / 3, None)


#: Hand-set cues of the back of a head against a crown seen from above, each (feature, threshold,
#: sign): +1 when the feature lies beyond the threshold on the back's side. A back view shows the
#: neck running off the frame's bottom edge, a head on a neck (hollows beside it, not a round
#: blob) and little bare skin across the middle (a bald crown from behind still has its fringe
#: there), and the person (:func:`~smp_studio.core.analysis.body.body_features`) leaves
#: background around the head and spreads into shoulders under the neck; a crown seen from above
#: is a round blob ending in the forehead, filling the frame. Each threshold lies midway between
#: the two views' medians on even-numbered subjects of the development set.
BACK_CUES = (("outline_bottom", 0.2, 1), ("outline_solidity", 0.95, -1), ("skin_middle", 0.5, -1),
             ("body_background", 0.24, 1), ("body_spread", 0.18, 1))


def back_votes(features: dict) -> int:
    """How many more of :data:`BACK_CUES` say a back view than a top-down one.

    Cues missing from ``features`` do not vote; a tie goes to the skin across the middle.

    Examples
    --------
    >>> back_votes({"outline_bottom": 0.5, "outline_solidity": 0.9, "skin_middle": 0.1})
    3
    >>> back_votes({"skin_middle": 0.9, "outline_bottom": 0.0})
    -2
    """
    votes = sum(1 if (features[k] - t) * s > 0 else -1 for k, t, s in BACK_CUES if k in features)
    if votes == 0:
        return 1 if features.get("skin_middle", 1.0) < 0.5 else -1
    return votes


#: The detector's nose beside its ears' middle, in ear-to-ear spans: a frontal face keeps it
#: within ~0.2; a profile puts it a whole span or more out (the two "ears" fall together).
PROFILE_NOSE = 0.45
HALF_PROFILE_NOSE = 0.2
PROFILE_SCORE = 0.55  # the detector's score a profile cue needs
#: A three-quarter view the mesh does not confirm (:func:`_three_quarter`): the detector's nose at
#: least this far off its ears' middle, at this score, with the skin this far to that side.
#: Set on odd-numbered subjects of the development set (3 side views found, nothing else);
#: on even-numbered ones it finds one (a left view the layout took for a sure back), nothing else.
TURNED_NOSE, TURNED_SCORE, TURNED_SKIN = 0.25, 0.5, 0.3


def _three_quarter(features: dict, nose: float, score: float) -> bool:
    """A face turned away that neither the mesh nor the profile cue confirms, read from three cues agreeing.

    The detector's nose is off its ears' middle, the skin (forehead, cheek) lies on the
    nose's side of the head and the hair on the other: each alone is common on crowns and
    backs (a lit patch, a parting), all three pointing the same way are not.

    Examples
    --------
    >>> _three_quarter({"skin_side": -0.5, "hair_side": -0.2}, 0.35, 0.6)  # all three say right
    True
    >>> _three_quarter({"skin_side": 0.5, "hair_side": 0.2}, 0.35, 0.6)  # the skin says left
    False
    """
    skin, hair = features.get("skin_side", 0.0), features.get("hair_side", 0.0)
    if abs(nose) < TURNED_NOSE or score < TURNED_SCORE or abs(skin) < TURNED_SKIN:
        return False
    # skin_side and hair_side > 0 look left, where the nose offset is < 0.
    return bool(np.sign(skin) == np.sign(hair) == -np.sign(nose))
PROFILE_PRESENCE = 0.3  # the mesh's presence a sure profile needs
#: The mesh network's face-presence score (0..1) above which part of a face is seen: with a
#: nose off-centre a side view; low in the frame and upright, a face looking down.
SIDE_PRESENCE = 0.9
FRONT_PRESENCE = 0.65
#: The same for the best presence over the face search's own crops (its seeds where a face
#: looking down usually is, stretched upright): about as telling as the low crops, and free.
SEARCH_PRESENCE = 0.4


def classify_view(rgb: np.ndarray, *, face: Face | None = ..., labels=None) -> ViewGuess:
    """Which way the camera looked at the head.

    Parameters
    ----------
    rgb : ndarray (H, W, 3) uint8
    face : Face or None, keyword-only
        When already looked for (default: looked for here).
    labels : ndarray or callable, keyword-only
        Segmentation labels (default: segmented here, faces included), or a
        callable giving them (or None) when they are needed: only a search
        that finds no face reads them, so a caller segmenting the photo anyway
        lends its labels without waiting for them.

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> classify_view(load_photo(sample_photo("front-norwood4-hairline.jpg")).rgb).view
    'front'
    """
    small = _small(rgb)
    cue = dict(zip(("nose_offset", "detector_score"), profile_cue(small)))
    nose_out = abs(cue["nose_offset"]) >= PROFILE_NOSE  # a profile's nose, a whole ear span out
    searched = None
    if face is ...:
        # The seeds look for a face looking down; a profile (its nose a whole ear span out) has
        # none to find, and the mesh confirmed no profile on the development set.
        search = search_face(rgb, seeds=not (nose_out and cue["detector_score"] >= PROFILE_SCORE))
        face, searched = search.face, search.presence
    if face is not None:
        return decide(cue, face)
    if callable(labels):
        labels = labels()
    if labels is None:
        labels = segment(small, face_exclude=False).labels
    features = {**layout_features(labels), **body_features(person_grid(small)), **cue}
    # The mesh's presence anywhere only matters to a detector that saw a nose off its ears'
    # middle (decide's profile and three-quarter cases). A face looking down is read from the
    # presence the face search saw on its way (free); only a caller that searched itself pays
    # for the few upright crops low in the photo.
    anywhere = cue["detector_score"] >= PROFILE_SCORE and abs(cue["nose_offset"]) >= HALF_PROFILE_NOSE
    if searched is None:
        features["presence"], features["low_presence"] = face_presence(small, anywhere=anywhere)
    else:
        features["search_presence"] = searched
        # Only whether the presence reaches decide's threshold matters (a sure profile, or a
        # three-quarter view): the scan stops there.
        enough = PROFILE_PRESENCE if nose_out else SIDE_PRESENCE
        features["presence"] = face_presence(small, enough=enough)[0] if anywhere else searched
    guess = decide(features, face)
    profiled = nose_out and cue["detector_score"] >= PROFILE_SCORE
    if guess.view in ("topdown", "back") and guess.uncertain and not profiled:
        # Only a photo left to the layout pays for the look for a face looking down (up to 14
        # forwards, about 6 when its eyes are lighter than the skin; the sure backs skip it, and
        # so does a profile cue that yielded to the layout: decide reads the profile first).
        features["downcast_drift"] = downcast_drift(small)
        guess = decide(features, face)
    return guess


def profile_cue(rgb: np.ndarray) -> tuple[float, float]:
    """Where the face detector puts the nose against the ears, and its score.

    BlazeFace marks both ears (tragions) even on a profile, where they fall
    close together behind the nose. Returns the nose's offset from the
    ears' middle in ear-to-ear spans (< 0: the nose toward image-left, a
    face looking left) and the detector's best score; ``(0, 0)`` when it
    finds nothing at all.

    Examples
    --------
    >>> import numpy as np
    >>> profile_cue(np.full((200, 200, 3), 120, np.uint8))
    (0.0, 0.0)
    """
    best = fm.best_in_parts(rgb, min_score=0.1)  # (on the photo or a part of it)
    if best is None:
        return 0.0, 0.0
    k = best.keypoints
    span = max(abs(float(k[4, 0] - k[5, 0])), 1.0)
    return float((k[2, 0] - (k[4, 0] + k[5, 0]) / 2) / span), float(best.score)


def _small(rgb, size: int = 640):
    f = min(1.0, size / max(rgb.shape[:2]))
    return cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else rgb
