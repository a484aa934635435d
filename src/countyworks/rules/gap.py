"""The gap planner: what an enterprise would have to change to qualify, at the least cost.

:meth:`countyworks.rules.engine.RuleSet.gap` proposes the cheapest changes that reach qualification under an explicit
cost model (:class:`Costs`; ``docs/rules/gap.md`` lists every rule set's levers):

* **Current-year inputs** (R&D of the year, IP rights, new 科技/研发人员, equity financing) are
  ``increase`` items at a unit cost per field; money counts at face value, equity at 1/20.
* **Reassignment**: existing employees moved into R&D raise 科技/研发人员 without raising the
  total (``reassign``, cost per person), so a plan never needs a hire that breaks a size limit.
* **Past-year figures** (第3年研发费用, 近两年研发费用, 近一年高新收入) cannot change now: they are
  ``next_year`` items, advice for next year's filing, costed like the current-year figure.
* **Direct routes** with a figure (equity financing, the two-year mean of R&D) are plans of
  their own; :func:`choose_route` takes the cheapest complete plan and keeps the others as
  alternatives.  Conditions no lever can fix (flags, compliance, size, growth) are blockers —
  only those: a condition reachable with the levers is never called unreachable.

The search is exact over band combinations: every indicator contributes its current band or
one of the better bands, each reached by the smallest change (to 0.0001 万元 or one person or
right), and every combination is tried (:func:`cheapest`).  ``tests/rules/test_gap_search.py``
checks it against a brute force over a discrete grid of changes on small generated rows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from countyworks.rules.numbers import SCALE, ceil_unit, format_number
from countyworks.rules.translate import Translate, as_declared

if TYPE_CHECKING:
    from countyworks.rules.engine import Field

#: How a gap item is reached.
GapKind = Literal["increase", "reassign", "next_year", "direct"]


@dataclass(frozen=True)
class GapItem:
    """One concrete change: raise ``field`` from ``current`` to ``required`` (by ``delta``).

    ``also`` names totals that rise by the same delta (a new 科技人员 is also an employee; added
    R&D is also a cost), so that :func:`apply_gap` can build the changed row.  ``kind`` says how
    the change is made: ``increase`` (a current-year input raised now), ``reassign`` (existing
    employees become 科技/研发人员: the total does not change), ``next_year`` (a past-year figure
    that cannot change now: advice for next year's filing) or ``direct`` (the figure of a direct
    route).
    """

    field: str
    label: str
    unit: str
    current: Fraction
    required: Fraction
    also: tuple[str, ...] = ()
    kind: GapKind = "increase"

    @property
    def delta(self) -> Fraction:
        return self.required - self.current

    def message(self, tr: Translate = as_declared) -> str:
        """E.g. "研发费用需再增加 38.5 万元", with the kind's qualifier (``tr``: the reader's language)."""
        text = (
            tr("{label}需再增加 {delta} {unit}")
            .format(
                label=tr(self.label), delta=format_number(self.delta), unit=tr(self.unit) if self.unit else ""
            )
            .rstrip()
        )
        if self.kind == "reassign":
            return tr("{text}（由现有职工转岗，职工总数不变）").format(text=text)
        if self.kind == "next_year":
            return tr("下一年度申报：{text}（往年数据，本次已无法更改）").format(text=text)
        if self.kind == "direct":
            return tr("{text}（直接认定途径）").format(text=text)
        return text

    def to_dict(self) -> dict[str, Any]:
        """Machine-readable form for the web pages (numbers as decimal strings, exact)."""
        return {
            "field": self.field,
            "label": self.label,
            "unit": self.unit,
            "current": format_number(self.current),
            "required": format_number(self.required),
            "delta": format_number(self.delta),
            "also": list(self.also),
            "kind": self.kind,
            "message": self.message(),
        }


@dataclass(frozen=True)
class Option:
    """One way to reach ``points`` on one indicator (no items: the current band)."""

    indicator: str
    points: int | Fraction
    items: tuple[GapItem, ...] = ()


@dataclass(frozen=True)
class GapPlan:
    """What a rule set proposes: the items, the conditions no lever can fix, the route's name
    (评价得分 or a direct route) and the other routes considered (complete ones first)."""

    items: tuple[GapItem, ...] = ()
    blockers: tuple[str, ...] = ()
    route: str = ""
    alternatives: tuple[GapPlan, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether the items alone reach qualification (nothing blocks)."""
        return not self.blockers


@dataclass(frozen=True)
class Costs:
    """Unit costs [万元] of the levers, used to rank plans.

    Defaults are assumptions for a county enterprise, to be overridden by the caller: one year
    of a new 科技人员 or 研发人员 (10 万元), moving an existing employee into R&D (``reassign``,
    2 万元: training and the work it leaves), an invention patent or other Ⅰ类 right (5 万元
    with agency fees), a utility model or software copyright (Ⅱ类, 0.5 万元), new equity
    financing (1/20 of the amount: fees and dilution); other money counts at face value.
    """

    per_field: Mapping[str, Fraction] = field(
        default_factory=lambda: {
            "tech_staff": Fraction(10),
            "rd_staff": Fraction(10),
            "ip_class1": Fraction(5),
            "ip_class1_own": Fraction(5),
            "ip_class1_high_value": Fraction(5),
            "ip_class1_applied": Fraction(5),
            "ip_class2": Fraction(1, 2),
            "equity_financing_3y": Fraction(1, 20),
            "equity_financing_2y": Fraction(1, 20),
        }
    )
    reassign: Fraction = Fraction(2)

    def of(self, item: GapItem) -> Fraction:
        if item.kind == "reassign":
            return item.delta * self.reassign
        return item.delta * self.per_field.get(item.field, Fraction(1))

    def total(self, items: Iterable[GapItem]) -> Fraction:
        return sum((self.of(i) for i in items), Fraction(0))


DEFAULT_COSTS = Costs()


def apply_gap(row: Mapping[str, Any], items: Iterable[GapItem]) -> dict[str, Any]:
    """The row with each item's delta added to its field and to the totals in ``also``."""
    changed = dict(row)
    for item in items:
        for name in (item.field, *item.also):
            changed[name] = float(Fraction(str(changed.get(name) or 0)) + item.delta)
    return changed


def merge_items(items: Iterable[GapItem]) -> tuple[GapItem, ...]:
    """One item per field, the largest requirement winning (two bands asking for R&D)."""
    best: dict[str, GapItem] = {}
    for item in items:
        if item.field not in best or item.required > best[item.field].required:
            best[item.field] = item
    return tuple(best.values())


def cheapest(
    options: Mapping[str, Sequence[Option]],
    accept: Callable[[Mapping[str, int | Fraction]], bool],
    costs: Costs,
    required: Sequence[GapItem] = (),
) -> tuple[GapItem, ...] | None:
    """The cheapest combination of one option per indicator that ``accept`` s.

    Every combination is tried (a rule set has a handful of indicators with at most a few
    bands each).  Items for one field merge by the largest requirement, together with the
    ``required`` items of fixable conditions.  Ties go to fewer changes.  None if no
    combination is accepted.
    """
    names = list(options)
    best: tuple[tuple[Fraction, int], tuple[GapItem, ...]] | None = None
    for combo in itertools.product(*(options[n] for n in names)):
        if not accept({o.indicator: o.points for o in combo}):
            continue
        items = merge_items([*required, *(i for o in combo for i in o.items)])
        key = (sum((costs.of(i) for i in items), Fraction(0)), len(items))
        if best is None or key < best[0]:
            best = (key, items)
    return None if best is None else best[1]


def hire_needed(staff: int, employees: int, threshold: int | Fraction) -> int:
    """New 科技/研发人员 (each also a new employee) so that staff/employees ≥ threshold %.

    Solves 100 (s + d) ≥ p (e + d) for the smallest whole d ≥ 0, with p < 100.
    """
    p = Fraction(threshold)
    return max(0, math.ceil((p * employees - 100 * staff) / (100 - p)))


def staff_needed(staff: int, employees: int, threshold: int | Fraction) -> int:
    """Existing employees to move into R&D so that staff/employees ≥ threshold % (the total
    stays): the smallest whole r ≥ 0 with 100 (s + r) ≥ p e."""
    return max(0, math.ceil(Fraction(threshold) * employees / 100) - staff)


def staff_options(
    indicator: str,
    current_points: int | Fraction,
    f: Field,
    staff: int,
    employees: int,
    bands: Sequence[tuple[int | Fraction, int | Fraction]],
    max_employees: int | None = None,
) -> list[Option]:
    """Each better band by reassigning existing employees or by hiring (a hire is also an
    employee; no hire past ``max_employees``)."""
    options = [Option(indicator, current_points)]
    for threshold, points in bands:
        if points <= current_points:
            continue
        moved = staff_needed(staff, employees, threshold)
        if moved <= employees - staff:
            item = GapItem(f.name, f.label, f.unit, Fraction(staff), Fraction(staff + moved), kind="reassign")
            options.append(Option(indicator, points, (item,)))
        hires = hire_needed(staff, employees, threshold)
        if max_employees is None or employees + hires <= max_employees:
            item = GapItem(f.name, f.label, f.unit, Fraction(staff), Fraction(staff + hires), ("employees",))
            options.append(Option(indicator, points, (item,)))
    return options


def choose_route(plans: Sequence[GapPlan], costs: Costs) -> GapPlan:
    """The cheapest complete plan (ties: fewer items, then the order given) with every other
    plan as an alternative; with no complete plan, the first (the score route), whose
    blockers name only what no lever can fix."""
    complete = sorted(
        (p for p in plans if p.complete),
        key=lambda p: (costs.total(p.items), len(p.items)),
    )
    main = complete[0] if complete else plans[0]
    others = tuple(
        [*(p for p in complete if p is not main), *(p for p in plans if not p.complete and p is not main)]
    )
    return GapPlan(main.items, main.blockers, main.route, others)


def amount_needed(part: Fraction, whole: Fraction, threshold: int | Fraction, *, in_whole: bool) -> Fraction:
    """Smallest addition d (to 0.0001 万元) so that (part + d)/(whole [+ d]) ≥ threshold %.

    ``in_whole``: the added amount is also part of the denominator (R&D is a cost; high-tech
    income is income).  A zero denominator needs a positive addition.
    """
    p = Fraction(threshold) / 100
    need = (p * whole - part) / (1 - p) if in_whole else p * whole - part
    need = ceil_unit(max(need, Fraction(0)))
    if in_whole and whole == 0 and need == 0:
        need = Fraction(1, SCALE)
    return need


def count_options(
    indicator: str,
    current_points: int | Fraction,
    f: Field,
    current: int,
    bands: Sequence[tuple[int, int]],
) -> list[Option]:
    """Options for a count banded by ``value ≥ threshold`` (IP items): each better band."""
    options = [Option(indicator, current_points)]
    for threshold, points in bands:
        if points > current_points and threshold > current:
            item = GapItem(f.name, f.label, f.unit, Fraction(current), Fraction(threshold))
            options.append(Option(indicator, points, (item,)))
    return options


def amount_options(
    indicator: str,
    current_points: int | Fraction,
    f: Field,
    current: Fraction,
    targets: Iterable[tuple[Fraction, int]],
    also: tuple[str, ...] = (),
) -> list[Option]:
    """Options for an amount: ``targets`` are (required amount, points) of each band."""
    options = [Option(indicator, current_points)]
    for required, points in targets:
        if points > current_points:
            needed = max(ceil_unit(Fraction(required)), current)
            options.append(
                Option(indicator, points, (GapItem(f.name, f.label, f.unit, current, needed, also),))
            )
    return options
