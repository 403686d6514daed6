"""Undo and redo as a list of whole designs, one per gesture.

A gesture (a drag, a stroke, a slider move) may show many intermediate designs
while it runs; only its start and end enter the history. Undo swaps the whole
design back, so no part of it (a hairline, a corrected mask) can be lost.
"""

from __future__ import annotations

from smp_studio.core.model.design import Design


class History:
    """Snapshots of a design with labelled steps between them.

    Parameters
    ----------
    design : Design
        The starting point (the clean state until :meth:`mark_clean` moves it).
    limit : int, keyword-only
        Steps kept; the oldest are dropped beyond it.

    Examples
    --------
    >>> h = History(Design())
    >>> h.push(h.present.with_settings(density_per_cm2=150.0), "Density")
    True
    >>> h.undo_label, h.present.settings.density_per_cm2
    ('Density', 150.0)
    >>> h.undo().settings.density_per_cm2, h.can_undo, h.redo_label
    (100.0, False, 'Density')
    """

    def __init__(self, design: Design, *, limit: int = 500):
        self._past: list[tuple[Design, str, object]] = []  # (design before, label, merge key)
        self._future: list[tuple[Design, str]] = []  # (design after, label)
        self._present = design
        self._clean: int | None = 0  # the number of past steps at the saved state; None: unreachable
        self._gesture_start: Design | None = None
        self.limit = limit

    @property
    def present(self) -> Design:
        return self._present

    # --- changes ----------------------------------------------------------------------------
    def push(self, design: Design, label: str, *, merge: object = None) -> bool:
        """Make ``design`` the present, as one undo step. False when nothing changed.

        Consecutive pushes with the same non-None ``merge`` key (one slider drag)
        become one step.
        """
        if self._gesture_start is not None:
            self._present = design
            return True
        if not design.differs_from(self._present):
            return False
        if merge is not None and self._past and self._past[-1][2] == merge and not self._future \
                and self._clean != len(self._past):
            self._present = design
            return True
        self._past.append((self._present, label, merge))
        self._future.clear()
        if self._clean is not None and self._clean >= len(self._past):
            self._clean = None
        if len(self._past) > self.limit:
            del self._past[0]
            self._clean = None if self._clean in (None, 0) else self._clean - 1
        self._present = design
        return True

    def begin(self) -> None:
        """Start a gesture: what follows shows live, and enters the history once."""
        if self._gesture_start is None:
            self._gesture_start = self._present

    def preview(self, design: Design) -> None:
        """A design shown during the gesture (not a step of its own)."""
        if self._gesture_start is None:
            raise RuntimeError("preview() belongs inside begin() ... end()")
        self._present = design

    def end(self, label: str) -> bool:
        """End the gesture: one step from where it began to the present."""
        start, self._gesture_start = self._gesture_start, None
        if start is None:
            return False
        end, self._present = self._present, start
        return self.push(end, label)

    def cancel(self) -> Design:
        """Abandon the gesture and return to where it began."""
        if self._gesture_start is not None:
            self._present, self._gesture_start = self._gesture_start, None
        return self._present

    @property
    def in_gesture(self) -> bool:
        return self._gesture_start is not None

    # --- undo, redo ---------------------------------------------------------------------------
    def undo(self) -> Design | None:
        if not self.can_undo:
            return None
        before, label, _ = self._past.pop()
        self._future.append((self._present, label))
        self._present = before
        return before

    def redo(self) -> Design | None:
        if not self.can_redo:
            return None
        after, label = self._future.pop()
        self._past.append((self._present, label, None))
        self._present = after
        return after

    @property
    def can_undo(self) -> bool:
        return bool(self._past) and self._gesture_start is None

    @property
    def can_redo(self) -> bool:
        return bool(self._future) and self._gesture_start is None

    @property
    def undo_steps(self) -> int:
        """How many steps Undo can go back."""
        return len(self._past)

    @property
    def undo_label(self) -> str:
        return self._past[-1][1] if self._past else ""

    @property
    def redo_label(self) -> str:
        return self._future[-1][1] if self._future else ""

    # --- saved state ----------------------------------------------------------------------------
    def mark_clean(self) -> None:
        self._clean = len(self._past)

    def mark_unsaved(self) -> None:
        """No state of this history is saved anywhere (a recovered design)."""
        self._clean = None

    @property
    def is_clean(self) -> bool:
        return self._clean == len(self._past) and self._gesture_start is None
