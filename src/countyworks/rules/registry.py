"""Rule sets by code, versioned by effective date.

``get_ruleset("tech-sme-2022", on=date(2023, 5, 1))`` returns the version of that code in force
on that day, so last year's evaluations stay reproducible when a document is replaced: a new
version is a new module registered here under the same code with a later ``effective`` date.
"""

from __future__ import annotations

from datetime import date

from countyworks.rules import (
    high_tech_2016,
    innovative_sme_2022,
    little_giant_2022,
    specialized_sme_2022,
    tech_sme_2022,
)
from countyworks.rules.engine import RuleSet

#: Every registered version, of every code.
RULESETS: tuple[RuleSet, ...] = (
    tech_sme_2022.RULESET,
    high_tech_2016.RULESET,
    innovative_sme_2022.RULESET,
    specialized_sme_2022.RULESET,
    little_giant_2022.RULESET,
)


class UnknownRuleSet(LookupError):
    """No rule set of that code, or none in force on that day."""


def known_codes() -> list[str]:
    """The registered codes, in registry order."""
    return list(dict.fromkeys(rs.code for rs in RULESETS))


def get_ruleset(code: str, on: date | None = None) -> RuleSet:
    """The version of ``code`` in force on ``on`` (default: the latest version).

    Raises
    ------
    UnknownRuleSet
        Unknown code (the message lists the known ones), or ``on`` before the first version.
    """
    versions = sorted((rs for rs in RULESETS if rs.code == code), key=lambda rs: rs.effective)
    if not versions:
        raise UnknownRuleSet(f"unknown rule set {code!r}; known: {', '.join(known_codes())}")
    in_force = [rs for rs in versions if on is None or rs.effective <= on]
    if not in_force:
        raise UnknownRuleSet(
            f"rule set {code!r} is not in force on {on:%Y-%m-%d} (from {versions[0].effective})"
        )
    return in_force[-1]
