"""The handout's session plan: when each session comes, and what it does for the treatment."""

from __future__ import annotations

#: When each session comes; the spacing follows shared/domain.md.
SESSION_WHEN = ["Day 1", "About 10 days later", "About 4 weeks later", "As agreed"]

#: What each session adds, by treatment: (first, between, last).
SESSION_STEPS = {
    "hairline": ("A light first layer; the hairline starts higher", "Denser and a little darker; hairline lower",
                 "Full density and depth; the final hairline"),
    "density": ("A light first layer between your hairs", "Denser and a little darker",
                "Full density and depth"),
    "scar": ("A first layer into the scar", "Fills what the scar tissue did not take",
             "Blends the scar into the hair around it"),
}
SESSION_STEPS["full"] = SESSION_STEPS["hairline"]
SESSION_STEPS["crown"] = SESSION_STEPS["density"]


def session_step(k: int, sessions: int, treatment: str, added: int) -> tuple[str, str]:
    """What session ``k`` of ``sessions`` does for ``treatment``, and the new impressions it places.

    A session placing no new impressions refines what is there (touch-ups), and says so.

    >>> session_step(1, 3, "scar", 800)
    ('A first layer into the scar', 'about 800')
    >>> session_step(4, 4, "full", 0)
    ('Touch-ups: evens out what healed lighter', 'touch-ups only')
    """
    if k > 1 and added <= 0:
        return "Touch-ups: evens out what healed lighter", "touch-ups only"
    first, between, last = SESSION_STEPS.get(treatment, SESSION_STEPS["density"])
    return (first if k == 1 else last if k == sessions else between), f"about {added:,}"
