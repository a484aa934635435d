"""Stored orders, needs and capacities as the allocation LP's inputs (:mod:`.allocation`)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from countyworks.alliances.allocation import Order, Supply
from countyworks.alliances.models import GRADE_RANK, Alliance, Allocation, BuyerOrder, Capacity


def used_by_capacity(alliance: Alliance) -> dict[int, Decimal]:
    """Quantity of each capacity row already allocated to orders."""
    rows = Allocation.objects.filter(capacity__member__alliance=alliance)
    return dict(
        rows.values_list("capacity_id").annotate(total=Sum("quantity")).values_list("capacity_id", "total")
    )


def supplies(alliance: Alliance, used: dict[int, Decimal]) -> list[Supply]:
    """Every supply capacity of the alliance's members, less what is already allocated."""
    rows = Capacity.objects.filter(
        member__alliance=alliance, direction=Capacity.Direction.SUPPLY
    ).select_related("member", "product")
    return [
        Supply(
            key=str(c.pk),
            member=str(c.member_id),
            product=c.product.name,
            grade_rank=GRADE_RANK[c.grade],
            quantity=float(c.quantity - used.get(c.pk, Decimal(0))),
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            x_km=float(c.member.x_km),
            y_km=float(c.member.y_km),
        )
        for c in rows
    ]


def order_demand(order: BuyerOrder, confirmed: Decimal) -> Order:
    """A buyer order as a demand, less what members have already confirmed."""
    return Order(
        key=str(order.pk),
        product=order.product.name,
        grade_rank=GRADE_RANK[order.grade],
        quantity=float(order.quantity - confirmed),
        window_start=order.window_start,
        window_end=order.window_end,
        x_km=float(order.x_km),
        y_km=float(order.y_km),
        freight_per_km=float(order.freight_fen_per_km),
    )


def needs(alliance: Alliance) -> list[Order]:
    """Members' input needs (本地配套) as demands that only *other* members may fill."""
    rows = Capacity.objects.filter(
        member__alliance=alliance, direction=Capacity.Direction.NEED
    ).select_related("member", "product")
    return [
        Order(
            key=str(c.pk),
            product=c.product.name,
            grade_rank=GRADE_RANK[c.grade],
            quantity=float(c.quantity),
            window_start=c.starts_on,
            window_end=c.ends_on,
            x_km=float(c.member.x_km),
            y_km=float(c.member.y_km),
            freight_per_km=1.0,
            member=str(c.member_id),
        )
        for c in rows
    ]
