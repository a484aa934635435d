"""The brief registry: ``countyworks.<program>.brief.brief_text(region_code, period) -> str``.

Every program computes its brief from raw records through its own selectors; this module only
finds the program's function, so the CLI and the web page print the same text.
"""

from __future__ import annotations

import importlib

from countyworks.core.periods import Period
from countyworks.core.regions import significant_prefix

PROGRAMS = ("alliances", "innovation", "energy", "parks", "courtyards")


class BriefUnavailable(LookupError):
    """The program has no brief yet, or the region/period has no data."""


def brief_text(program: str, region_code: str, period: Period) -> str:
    if program not in PROGRAMS:
        raise BriefUnavailable(f"unknown program {program!r}; expected one of {', '.join(PROGRAMS)}")
    try:
        module = importlib.import_module(f"countyworks.{program}.brief")
    except ModuleNotFoundError as exc:
        raise BriefUnavailable(f"program {program!r} has no brief yet") from exc
    return module.brief_text(significant_prefix(region_code), period)
