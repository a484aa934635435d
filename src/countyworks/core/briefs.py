"""The brief registry: each installed program's ``brief`` hook, ``brief_text(region_prefix, period)``.

Every program computes its brief (统计简报) from raw records through its own selectors; this module
only finds the program's function, so the CLI and the web page print the same text.
"""

from __future__ import annotations

from countyworks.core.errors import BriefUnavailable
from countyworks.core.models import Program
from countyworks.core.periods import Period
from countyworks.core.programs import program
from countyworks.core.regions import significant_prefix


def brief_text(label: str, region_code: str, period: Period) -> str:
    """The brief of the installed program ``label``; :class:`BriefUnavailable` if there is none."""
    config = program(label)
    if config is None:
        if label in Program.values:
            raise BriefUnavailable(f"program {label!r} is not installed")
        raise BriefUnavailable(f"unknown program {label!r}; expected one of {', '.join(Program.values)}")
    if config.brief is None:
        raise BriefUnavailable(f"program {label!r} has no brief")
    return config.hook("brief")(significant_prefix(region_code), period)
