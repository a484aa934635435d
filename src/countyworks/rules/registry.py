"""Rule sets by code, grouped into families of versions by effective date.

A rule-set code names one version of one document (``tech-sme-2017``, ``tech-sme-2022``); its
*family* is the code without the year (``tech-sme``).  A version is in force from its
``effective`` date until the day before the next version of its family takes effect (the last
version has no end).  :func:`ruleset_in_force` picks the version of a family in force on a day
— what a campaign of a past year must be evaluated with — and :func:`get_ruleset` returns one
code, optionally checking that it is in force on a day.  Both refuse a day on which no version
of the family is in force with a message naming the versions and their periods.
"""

from __future__ import annotations

from datetime import date, timedelta

from countyworks.rules import (
    high_tech_2016,
    innovative_sme_2022,
    little_giant_2022,
    mujun_huaian_2023,
    mujun_jingde_2023,
    specialized_sme_2022,
    tech_sme_2017,
    tech_sme_2022,
)
from countyworks.rules.engine import RuleSet

#: Every registered version, of every code (the latest version of a family first).
RULESETS: tuple[RuleSet, ...] = (
    tech_sme_2022.RULESET,
    high_tech_2016.RULESET,
    innovative_sme_2022.RULESET,
    specialized_sme_2022.RULESET,
    little_giant_2022.RULESET,
    tech_sme_2017.RULESET,
    mujun_huaian_2023.RULESET,
    mujun_jingde_2023.RULESET,
)


class UnknownRuleSet(LookupError):
    """No rule set of that code, or none in force on that day."""


def family(code: str) -> str:
    """``tech-sme-2022`` → ``tech-sme`` (codes end in their document's year); a family is
    returned unchanged."""
    head, _sep, tail = code.rpartition("-")
    return head if tail.isdigit() else code


def known_codes() -> list[str]:
    """The registered codes, in registry order."""
    return list(dict.fromkeys(rs.code for rs in RULESETS))


def versions(family_or_code: str) -> list[RuleSet]:
    """The versions of a family (given by its name or by any of its codes), oldest first."""
    wanted = family(family_or_code)
    return sorted((rs for rs in RULESETS if family(rs.code) == wanted), key=lambda rs: rs.effective)


def in_force_until(ruleset: RuleSet) -> date | None:
    """The last day ``ruleset`` is in force: the day before the next version of its family
    takes effect, or None for the latest version."""
    later = [rs.effective for rs in versions(ruleset.code) if rs.effective > ruleset.effective]
    return min(later) - timedelta(days=1) if later else None


def period_text(ruleset: RuleSet) -> str:
    """``tech-sme-2017 (2017-05-03 – 2022-06-01)`` / ``tech-sme-2022 (from 2022-06-02)``."""
    until = in_force_until(ruleset)
    if until is None:
        return f"{ruleset.code} (from {ruleset.effective:%Y-%m-%d})"
    return f"{ruleset.code} ({ruleset.effective:%Y-%m-%d} – {until:%Y-%m-%d})"


def is_in_force(ruleset: RuleSet, on: date) -> bool:
    until = in_force_until(ruleset)
    return ruleset.effective <= on and (until is None or on <= until)


def _unknown(code: str) -> UnknownRuleSet:
    families = ", ".join(dict.fromkeys(family(c) for c in known_codes()))
    return UnknownRuleSet(
        f"unknown rule set {code!r}; known: {', '.join(known_codes())} (families: {families})"
    )


def ruleset_in_force(family_or_code: str, on: date) -> RuleSet:
    """The version of the family of ``family_or_code`` in force on ``on``.

    Raises
    ------
    UnknownRuleSet
        Unknown family, or no version in force on ``on`` (the message lists each version's
        period).
    """
    candidates = versions(family_or_code)
    if not candidates:
        raise _unknown(family_or_code)
    for ruleset in candidates:
        if is_in_force(ruleset, on):
            return ruleset
    periods = "; ".join(period_text(rs) for rs in candidates)
    raise UnknownRuleSet(
        f"no version of rule set {family(family_or_code)!r} is in force on {on:%Y-%m-%d} ({periods})"
    )


def get_ruleset(code: str, on: date | None = None) -> RuleSet:
    """The rule set ``code``; with ``on``, check that it is in force on that day.

    A family name (``tech-sme``) stands for its version in force on ``on``, or for its latest
    version without ``on``.

    Raises
    ------
    UnknownRuleSet
        Unknown code (the message lists the known ones), or nothing in force on ``on`` (the
        message names the version that is, if any).
    """
    exact = [rs for rs in RULESETS if rs.code == code]
    if not exact and family(code) == code and versions(code):
        return versions(code)[-1] if on is None else ruleset_in_force(code, on)
    if not exact:
        raise _unknown(code)
    ruleset = exact[0]
    if on is not None and not is_in_force(ruleset, on):
        try:
            instead = f"; in force then: {ruleset_in_force(code, on).code}"
        except UnknownRuleSet:
            instead = ""
        raise UnknownRuleSet(
            f"rule set {code!r} is not in force on {on:%Y-%m-%d} ({period_text(ruleset)}){instead}"
        )
    return ruleset
