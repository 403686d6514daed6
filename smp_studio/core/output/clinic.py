"""The clinic's own settings: name, logo, price table, disclaimer.

Stored once (the studio keeps them in its settings; the CLI reads a JSON
file) and used by every handout and comparison.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from smp_studio.core.errors import SettingsError

DEFAULT_DISCLAIMER = ("Simulation - not a guarantee of results. Actual results depend on your skin, healing and "
                      "aftercare, and on the artist's work on the day.")


@dataclass(frozen=True)
class PriceRow:
    """One tier of the price table: treatments up to ``up_to_cm2`` cost ``price``."""

    label: str
    up_to_cm2: float
    price: float


#: A starting table (typical UK tiers; edit it to the clinic's own prices).
DEFAULT_PRICES = (
    PriceRow("Hairline or small area", 60.0, 850.0),
    PriceRow("Frontal area / crown (Norwood 4-5)", 150.0, 1500.0),
    PriceRow("Full scalp (Norwood 6-7)", 400.0, 2500.0),
)


@dataclass(frozen=True)
class Clinic:
    """Clinic details used on exports.

    Examples
    --------
    >>> c = Clinic(name="Northside SMP", currency="£")
    >>> c.quote(120.0)
    (PriceRow(label='Frontal area / crown (Norwood 4-5)', up_to_cm2=150.0, price=1500.0), '£1,500')
    """

    name: str = ""
    contact: str = ""
    logo: str = ""  # path to a PNG or JPEG
    currency: str = "£"
    prices: tuple = DEFAULT_PRICES
    disclaimer: str = DEFAULT_DISCLAIMER
    # The photo's file name is often the client's name: may exports show and record it?
    photo_names: bool = True
    extras: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        rows = []
        for r in self.prices:
            if isinstance(r, dict):
                try:
                    r = PriceRow(str(r["label"]), float(r["up_to_cm2"]), float(r["price"]))
                except (KeyError, TypeError, ValueError):
                    raise SettingsError(f"a price row needs label, up_to_cm2 and price: {r!r}") from None
            if not isinstance(r, PriceRow) or r.up_to_cm2 <= 0 or r.price < 0:
                raise SettingsError(f"bad price row {r!r}")
            rows.append(r)
        object.__setattr__(self, "prices", tuple(sorted(rows, key=lambda r: r.up_to_cm2)))
        if not str(self.disclaimer).strip():
            raise SettingsError("the disclaimer cannot be empty (exports are simulations and must say so)")

    def quote(self, area_cm2: float) -> tuple[PriceRow | None, str]:
        """The price tier for a treated area, and the price as text."""
        for r in self.prices:
            if area_cm2 <= r.up_to_cm2:
                return r, self.money(r.price)
        if self.prices:
            r = self.prices[-1]
            return r, self.money(r.price) + "+"
        return None, ""

    def money(self, amount: float) -> str:
        return f"{self.currency}{amount:,.0f}"

    def logo_path(self) -> Path | None:
        p = Path(self.logo).expanduser() if self.logo else None
        return p if p is not None and p.is_file() else None

    def to_dict(self) -> dict:
        d = dict(self.extras)
        d.update({k: v for k, v in asdict(self).items() if k != "extras"})
        d["prices"] = [asdict(r) for r in self.prices]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Clinic":
        if not isinstance(d, dict):
            raise SettingsError("clinic settings must be a JSON object")
        known = {"name", "contact", "logo", "currency", "prices", "disclaimer", "photo_names"}
        kw = {k: v for k, v in d.items() if k in known}
        for k in ("name", "contact", "logo", "currency", "disclaimer"):
            if k in kw and not isinstance(kw[k], str):
                raise SettingsError(f"clinic {k} must be text")
        if not isinstance(kw.get("photo_names", True), bool):
            raise SettingsError("clinic photo_names must be true or false")
        if "prices" in kw:
            if not isinstance(kw["prices"], list):
                raise SettingsError("clinic prices must be a list of rows")
            kw["prices"] = tuple(kw["prices"])
        return cls(**kw, extras={k: v for k, v in d.items() if k not in known})

    @classmethod
    def load(cls, path) -> "Clinic":
        try:
            return cls.from_dict(json.loads(Path(path).read_text()))
        except FileNotFoundError:
            raise SettingsError(f"{path}: no such file") from None
        except json.JSONDecodeError as e:
            raise SettingsError(f"{path}: not valid JSON ({e.msg}, line {e.lineno})") from None
