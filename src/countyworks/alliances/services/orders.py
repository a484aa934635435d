"""Buyer orders: allocation over members' supply (the LP of :mod:`..allocation`), confirmation, delivery."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from countyworks.alliances import supply
from countyworks.alliances.allocation import Result, allocate
from countyworks.alliances.models import Alliance, Allocation, BuyerOrder, Delivery
from countyworks.alliances.services._common import require_write
from countyworks.core.actors import Actor, recorded_user
from countyworks.core.services import audited_delete, audited_save

#: Orders the allocation may (re)plan: not yet confirmed by every member, not delivered.
PLANNABLE = (BuyerOrder.Status.OPEN, BuyerOrder.Status.ALLOCATED, BuyerOrder.Status.UNFILLABLE)


@transaction.atomic
def orders_allocate(*, alliance: Alliance, acting_user: Actor, fair_share: bool = False) -> Result:
    """Plan every open order of the alliance over its members' remaining supply.

    Unconfirmed allocations of those orders are replaced; confirmed ones stand and count against
    both the order and the supply. Each order records the reason it cannot be (fully) filled.
    """
    require_write(acting_user, alliance.region_id)
    orders = list(alliance.orders.filter(status__in=PLANNABLE).select_related("product"))
    ids = [o.pk for o in orders]
    for stale in Allocation.objects.filter(order_id__in=ids, confirmed_at__isnull=True):
        audited_delete(stale, acting_user=acting_user, reason=_("重新分配"))
    confirmed = dict(
        Allocation.objects.filter(order_id__in=ids)
        .values_list("order_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_id", "total")
    )
    used = supply.used_by_capacity(alliance)
    demands = [supply.order_demand(o, confirmed.get(o.pk, Decimal(0))) for o in orders]
    result = allocate(
        [d for d in demands if d.quantity > 0], supply.supplies(alliance, used), fair_share=fair_share
    )
    rows = [
        Allocation(
            order_id=int(line.order),
            member_id=int(line.member),
            capacity_id=int(line.supply),
            quantity=Decimal(str(line.quantity)),
            freight_fen=round(line.cost),
        )
        for line in result.lines
    ]
    bulk_create_with_history(rows, Allocation, default_user=recorded_user(acting_user))
    for order in orders:
        got = result.filled.get(str(order.pk), 0.0) + float(confirmed.get(order.pk, 0))
        reason = result.flags.get(str(order.pk))
        order.flag = reason[1] if reason else ""
        order.status = BuyerOrder.Status.ALLOCATED if got > 0 else BuyerOrder.Status.UNFILLABLE
        audited_save(order, acting_user=acting_user, reason=_("订单分配"))
    return result


@transaction.atomic
def allocation_confirm(*, allocation: Allocation, acting_user: Actor) -> Allocation:
    """The member confirms its share; an order whose shares are all confirmed (and filled) is confirmed."""
    order = allocation.order
    require_write(acting_user, order.alliance.region_id)
    if allocation.confirmed_at is not None:
        raise ValidationError(_("该分配已确认"))
    allocation.confirmed_at = timezone.now()
    audited_save(allocation, acting_user=acting_user)
    lines = order.allocations.all()
    if not lines.filter(confirmed_at__isnull=True).exists() and not order.flag:
        order.status = BuyerOrder.Status.CONFIRMED
        audited_save(order, acting_user=acting_user)
    return allocation


@transaction.atomic
def delivery_record(
    *,
    allocation: Allocation,
    delivered_on: date,
    quantity: Decimal,
    acting_user: Actor,
    paid_fen: int = 0,
    paid_on: date | None = None,
) -> Delivery:
    """Record a delivery (and its payment); the order is delivered once its whole quantity has gone."""
    order = allocation.order
    require_write(acting_user, order.alliance.region_id)
    if allocation.confirmed_at is None:
        raise ValidationError(_("成员确认分配后方可登记交付"))
    delivered = allocation.deliveries.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    if delivered + quantity > allocation.quantity:
        raise ValidationError(_("交付数量超过该成员的分配数量"))
    delivery = audited_save(
        Delivery(
            allocation=allocation,
            delivered_on=delivered_on,
            quantity=quantity,
            paid_fen=paid_fen,
            paid_on=paid_on,
        ),
        acting_user=acting_user,
    )
    total = Delivery.objects.filter(allocation__order=order).aggregate(total=Sum("quantity"))["total"]
    if total >= order.quantity:
        order.status = BuyerOrder.Status.DELIVERED
        audited_save(order, acting_user=acting_user)
    return delivery
