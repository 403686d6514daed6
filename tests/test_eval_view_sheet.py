"""The contact sheet ``tools/eval_view.py --sheet`` draws of the photos classified wrong."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from eval_view import contact_sheet  # noqa: E402

from smp_studio.core.analysis.photo import load_photo  # noqa: E402


def test_the_sheet_shows_every_photo_in_its_own_captioned_cell(samples_dir):
    """Whoever looks at what the classifier missed sees each photo once, in reading order,
    with its caption drawn on it: the cells hold the photos themselves, not blanks."""
    names = sorted(p.name for p in samples_dir.glob("*.jpg"))[:3]
    photos = [load_photo(samples_dir / n).rgb for n in names]
    sheet = contact_sheet([(p, "back > topdown 0.43") for p in photos], size=60, columns=2)
    assert sheet.shape == (120, 120, 3)
    for i, rgb in enumerate(photos):
        cell = sheet[60 * (i // 2):60 * (i // 2 + 1), 60 * (i % 2):60 * (i % 2 + 1)].astype(np.float32)
        small = cv2.resize(rgb, (60, 60), interpolation=cv2.INTER_AREA).astype(np.float32)
        # Below the caption the cell is the photo itself (in BGR, as cv2.imwrite wants it).
        assert np.abs(cell[20:, :, ::-1] - small[20:]).mean() < 2
        # The caption is drawn in yellow on the top rows.
        assert ((cell[:14, :, 2] > 200) & (cell[:14, :, 1] > 200) & (cell[:14, :, 0] < 80)).any()
    # The fourth cell of a 2 x 2 sheet holding three photos is left empty.
    assert sheet[60:, 60:].max() == 0
    assert contact_sheet([]).size == 0
