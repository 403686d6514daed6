"""A face looking down so far that the face search cannot believe it: brows, closed eyes and
nose low in the frame, under a forehead and scalp filling the rest.

The face search (:func:`~smp_studio.core.analysis.face.search_face`) believes a mesh only
when its eyes are clearly darker than the skin around them; a man looking down at the camera
has his lids lowered or closed, hardly darker than his cheeks, and the mesh network's own
presence score is no help on him. What still tells his face from a crown or the back of a
head is that the mesh *stays on it*: moved a little, the crop finds the same brows, eyes and
nose (the drift test of :func:`~smp_studio.core.analysis.face_checks.mesh_drift`), where on
bare skin or hair the network draws its face wherever the crop is. The eyes of such a steady
mesh are still no lighter than the skin around them; on a crown seen from above, the mesh's
steadiest "eyes" sit on skin lit brighter than its "cheeks".

Measured on the development set's photos left to the layout (no face found): of 32 fronts,
11 have a mesh at or below :data:`STEADY_DRIFT` with eyes no lighter than their skin (5 of 18
on odd-numbered subjects, 6 of 14 on even ones); of 160 top-downs and backs, none (the
steadiest drift 0.54). The face search's other two seeds in the middle column found no more
fronts, and backs down to 0.46 (hair under the "eyes", darker than the skin); its seeds off the
middle found crowns down to 0.32, and the photo stretched less (1.0 or 1.3) crowns down to
0.26: unstretched, a forehead above a nose tip is a face to the mesh.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis import face_models as fm
from smp_studio.core.analysis.face import recrop
from smp_studio.core.analysis.face_checks import eye_evidence, mesh_drift, plausible

#: The photo stretched upright by these factors (a face looking down is foreshortened), with
#: half its height of black below it (the chin is cut off by the frame's bottom edge).
STRETCHES = (1.6, 2.2)
#: Where the mesh first looks, in the middle of the stretched, padded photo: (centre y as a
#: share of its padded height, crop size as a share of its width); the face search's first seed
#: (:data:`~smp_studio.core.analysis.face.SEEDS`), where a face looking down usually is.
CROPS = ((0.55, 0.7),)
#: The drift (share of a moved crop the mesh follows) at or below which a mesh stays on a face.
#: Set on odd-numbered subjects of the development set: their top-downs and backs drift 0.54 or
#: more, their fronts looking down 0.47 or less but one (0.53); set near the fronts, for a
#: margin toward crowns on other men.
STEADY_DRIFT = 0.48


def downcast_drift(rgb: np.ndarray, *, enough: float = STEADY_DRIFT) -> float:
    """How steadily the mesh network stays on a face looking down low in the photo.

    The smallest drift (:func:`~smp_studio.core.analysis.face_checks.mesh_drift`: 0 for a
    mesh that stays on the features when its crop moves, about 1 for one drawn wherever the
    crop is) over the meshes found from :data:`CROPS` whose eyes are no lighter than the skin
    around them; ``inf`` when there is none. The scan stops at the first mesh at or below
    ``enough`` (keyword-only).

    Parameters
    ----------
    rgb : ndarray (H, W, 3) of uint8
        The photo, best at about 640 px on its long side.

    Examples
    --------
    >>> import numpy as np
    >>> downcast_drift(np.full((200, 200, 3), 150, np.uint8)) > STEADY_DRIFT  # bare skin: no face
    True
    """
    rgb = np.asarray(rgb)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    best = float("inf")
    for stretch in STRETCHES:
        img = cv2.resize(rgb, None, fx=1.0, fy=stretch, interpolation=cv2.INTER_LINEAR)
        h, w = img.shape[0] + img.shape[0] // 2, img.shape[1]
        for fy, fs in CROPS:
            mesh, _ = fm.run_mesh(img, (0.5 * w, fy * h), 1.5 * fs * w, 0.0)
            if not plausible(mesh):
                continue
            for _ in range(2):
                mesh, _ = recrop(img, mesh)
            # Lit skin where the eyes should be: a crown, however steady the mesh on it.
            if not plausible(mesh) or eye_evidence(gray, mesh[:, :2] / [1.0, stretch]) <= 0.0:
                continue
            best = min(best, mesh_drift(img, mesh, []))
            if best <= enough:
                return best
    return best
