"""The points ledger (文明积分) and the village 积分超市.

Each household has one ledger; every line stores the balance after it, and the balance is never
negative (a database check backs the service's own). Lines are appended while the household's last
line is locked, so two redemptions at once cannot both spend the same points. Monthly stars are
credited by the village's points rule; a corrected inspection posts the difference, never a second
credit (docs/rules/courtyard-hygiene.md §6).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Household
from countyworks.core.services import audited_save
from countyworks.courtyards.models import Award, Inspection, PointsEntry, PointsRule, Redemption, ShopItem
from countyworks.courtyards.services._common import recorded, require_write, today

#: The rule used where no area has set one (local default: 2 points a star, 20 for a top-ten award).
DEFAULT_RULE = PointsRule(points_per_star=2, top_ten_bonus=20)


def points_rule_for(region_code: str, month: date) -> PointsRule:
    """The points rule of the most specific area containing ``region_code`` effective by ``month``."""
    prefixes = [region_code[:n] for n in (14, 12, 9, 6, 4, 2) if len(region_code) >= n]
    rules = PointsRule.objects.filter(region_id__in=prefixes, effective_from__lte=month)
    best = max(rules, key=lambda r: (len(r.region_id), r.effective_from), default=None)
    return best or DEFAULT_RULE


def balance_of(household: Household) -> int:
    """The household's current balance (0 without any line)."""
    last = PointsEntry.objects.filter(household=household).order_by("-id").first()
    return last.balance if last is not None else 0


def _post(
    *, household: Household, kind: str, points: int, acting_user: Actor, note: str = "", **links: object
) -> PointsEntry:
    """Append one line under the household's lock; refuse a balance below zero."""
    Household.objects.select_for_update().filter(pk=household.pk).first()
    balance = balance_of(household) + points
    if balance < 0:
        raise ValidationError(
            _("积分不足：%(name)s 当前余额 %(balance)s 分，本次需 %(need)s 分"),
            params={"name": household.head_name, "balance": balance - points, "need": -points},
            code="points_insufficient",
        )
    entry = PointsEntry(
        household=household,
        kind=kind,
        points=points,
        balance=balance,
        note=note,
        created_by=recorded(acting_user),
        **links,
    )
    return audited_save(entry, acting_user=acting_user)


@transaction.atomic
def points_credit_inspection(*, inspection: Inspection, acting_user: Actor) -> PointsEntry | None:
    """Credit a month's stars by the village's rule; after a correction, post only the difference."""
    household = inspection.household
    rule = points_rule_for(household.region_id, inspection.month)
    due = inspection.stars * rule.points_per_star
    credited = PointsEntry.objects.filter(inspection=inspection).aggregate(s=Sum("points"))["s"] or 0
    if due == credited:
        return None
    note = _("%(month)s 评比 %(stars)s 星") % {
        "month": f"{inspection.month:%Y-%m}",
        "stars": inspection.stars,
    }
    if credited:
        note = _("%(note)s（更正）") % {"note": note}
    return _post(
        household=household,
        kind=PointsEntry.Kind.INSPECTION,
        points=due - credited,
        note=note,
        inspection=inspection,
        acting_user=acting_user,
    )


@transaction.atomic
def points_credit_award(*, award: Award, acting_user: Actor) -> PointsEntry | None:
    """Credit a top-ten award's bonus once."""
    if PointsEntry.objects.filter(award=award).exists():
        return None
    rule = points_rule_for(award.courtyard.region_id, date(award.year, 12, 1))
    if not rule.top_ten_bonus:
        return None
    return _post(
        household=award.household,
        kind=PointsEntry.Kind.AWARD,
        points=rule.top_ten_bonus,
        note=_("%(year)s 年度总评比第 %(rank)s 名") % {"year": award.year, "rank": award.rank},
        award=award,
        acting_user=acting_user,
    )


@transaction.atomic
def points_redeem(
    *, household: Household, item: ShopItem, quantity: int, acting_user: Actor, on: date | None = None
) -> Redemption:
    """Redeem points for goods of the village's shop: the stock and the balance both must suffice."""
    require_write(acting_user, household.region_id)
    if not household.region_id.startswith(item.region_id):
        raise ValidationError(_("该商品不属于本村积分超市"), code="shop_other_village")
    if quantity < 1:
        raise ValidationError(_("兑换数量至少为 1"), code="quantity")
    item = ShopItem.objects.select_for_update().get(pk=item.pk)
    if not item.active:
        raise ValidationError(_("「%(item)s」已下架"), params={"item": item.name}, code="inactive")
    if item.stock < quantity:
        raise ValidationError(
            _("「%(item)s」库存不足：现有 %(stock)s 件，需 %(quantity)s 件"),
            params={"item": item.name, "stock": item.stock, "quantity": quantity},
            code="stock",
        )
    cost = item.points_price * quantity
    redemption = audited_save(
        Redemption(
            household=household,
            item=item,
            quantity=quantity,
            points=cost,
            redeemed_on=on or today(),
            recorded_by=recorded(acting_user),
        ),
        acting_user=acting_user,
    )
    _post(
        household=household,
        kind=PointsEntry.Kind.REDEMPTION,
        points=-cost,
        note=_("兑换 %(item)s × %(quantity)s") % {"item": item.name, "quantity": quantity},
        redemption=redemption,
        acting_user=acting_user,
    )
    item.stock -= quantity
    audited_save(item, acting_user=acting_user)
    return redemption


@transaction.atomic
def shop_item_save(
    *, region_code: str, name: str, points_price: int, stock: int, acting_user: Actor
) -> ShopItem:
    """Put goods on a village's shelf, or restock/reprice them (matched by name)."""
    require_write(acting_user, region_code)
    item = ShopItem.objects.filter(region_id=region_code, name=name).first() or ShopItem(
        region_id=region_code, name=name
    )
    item.points_price = points_price
    item.stock = stock
    return audited_save(item, acting_user=acting_user)
