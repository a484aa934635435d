from ninja import Router

from countyworks.core.indicators import Indicator

router = Router()


@router.get("/ping", auth=None)
def ping(request) -> dict[str, str]:
    return {"pong": "fake"}


def brief_text(region_prefix: str, period) -> str:
    return f"fake brief of {region_prefix} for {period}"


def home_tiles(*, user, within):
    return [{"label": "fake tile", "value": 1, "unit": "", "note": "", "url": "/fake/", "chart": None}]


def load_demo() -> None:
    """Nothing to load."""


def milestones(*, region_prefix, start, end):
    return []


def count_job(*, progress, upto: int) -> dict[str, int]:
    progress(upto, upto)
    return {"counted": upto}


def _organisations(region_prefix: str, period) -> dict[str, int]:
    from django.db.models import Count

    from countyworks.core.models import Organisation

    rows = Organisation.objects.filter(region__code__startswith=region_prefix).order_by()
    return dict(rows.values_list("region_id").annotate(n=Count("id")))


INDICATORS = (
    Indicator(
        code="fake_program.organisations",
        name="组织数",
        unit="家",
        period_type="year",
        aggregation="sum",
        numerator=_organisations,
    ),
)


def organisation_profile(user, organisation):
    from datetime import date

    from countyworks.core.profiles import Event, ProfileSection

    return [
        ProfileSection(
            "fake section",
            "fake_program",
            "Fake",
            "/fake/",
            events=[Event(date(2099, 1, 1), f"fake event of {organisation.name}")],
        )
    ]
