"""What every use-case module of program 4 shares: the write check and exact percentages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from countyworks.core.actors import Actor
from countyworks.core.permissions import access_write_region
from countyworks.parks.models import PROGRAM


def require_write(user: Actor, region_code: str) -> None:
    """Raise PermissionDenied unless ``user`` may write program 4 records in ``region_code``."""
    access_write_region(user, PROGRAM, region_code, message=_("您无权在该区域办理园区建设业务"))


@dataclass(frozen=True)
class Rate:
    """A rate kept as its numerator and denominator (exact Decimals), shown to 0.01 %."""

    numerator: Decimal
    denominator: Decimal

    @property
    def percent(self) -> Decimal | None:
        """numerator ÷ denominator × 100, rounded half up to two decimals; None for a zero denominator."""
        if not self.denominator:
            return None
        return (self.numerator * 100 / self.denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def text(self) -> str:
        value = self.percent
        return "—" if value is None else f"{value.normalize():f}%"
