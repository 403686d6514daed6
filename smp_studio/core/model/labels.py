"""What each setting and choice is called in the studio, undo steps and exports.

The choices themselves (and their ranges) are defined once, in
:mod:`settings`; this module only names them, so every widget is built from
the same lists.
"""

from __future__ import annotations

from smp_studio.core.model import settings as _s

_CHOICE_LABELS = {
    "treatment": {"full": "Full shaved look", "density": "Density (thinning)", "hairline": "Hairline only",
                  "crown": "Crown only", "scar": "Scar camouflage"},
    "view": {"topdown": "Top-down", "front": "Front", "side": "Side", "back": "Back", "left": "Left side",
             "right": "Right side"},
    "state": {"healed": "Healed", "fresh": "Fresh (0-2 days)", "aged": "Aged"},
    "hairline_template": {"edge-up": "Edge-up"},
}

#: The choice lists, by setting name.
CHOICES = {"treatment": _s.TREATMENTS, "view": _s.VIEWS, "state": _s.STATES, "hairline_template": _s.TEMPLATES}

#: Short names of numeric settings, as the artist reads them ("Change density").
FIELD_LABELS = {
    "density_per_cm2": "density", "dot_size_mm": "dot size", "macro_irregularity_mm": "irregularity",
    "transition_mm": "transition", "dilution": "dilution", "aged_years": "age", "session": "session",
    "sessions": "sessions", "hair_color": "hair tone", "px_per_mm": "scale", "seed": "layout",
    "treatment": "treatment", "view": "photo view", "state": "state", "hairline_template": "hairline template",
}


def label_for(key: str, value) -> str:
    """The display name of a choice.

    >>> label_for("treatment", "density"), label_for("hairline_template", "mature")
    ('Density (thinning)', 'Mature')
    """
    return _CHOICE_LABELS.get(key, {}).get(value, str(value).replace("-", " ").capitalize())


def choices(key: str) -> list[tuple[str, str]]:
    """``(value, label)`` for every choice of a setting, in the settings' order.

    >>> choices("state")[0]
    ('healed', 'Healed')
    """
    return [(v, label_for(key, v)) for v in CHOICES[key]]


def field_label(key: str) -> str:
    """The short name of a setting.

    >>> field_label("density_per_cm2")
    'density'
    """
    return FIELD_LABELS.get(key, key.replace("_", " "))
