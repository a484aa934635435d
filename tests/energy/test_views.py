"""Energy pages and API: every page renders for its area, and another area's data is a 404, never data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Organisation, Region, Role, RoleGrant
from countyworks.energy import services
from countyworks.energy.ingest import ingest_messages
from countyworks.energy.models import Alarm, ApprovalStep, DispatchScenario
from tests.conftest import make_user
from tests.energy.conftest import message

PAGES = [
    "energy:room",
    "energy:room-live",
    "energy:alarms",
    "energy:statistics",
    "energy:dispatch",
    "energy:resource",
    "energy:projects",
    "energy:quarantine",
]


@pytest.fixture
def live(storage, wind, louxing_station):
    now = timezone.now()
    ingest_messages(
        [
            message("xinwan-ess", "meter", now - timedelta(seconds=1), {"P_kW": 100_000.0, "Q_kvar": 1000.0}),
            message("xinwan-ess", "ems", now - timedelta(seconds=1), {"SOC_pct": 63.5}),
            message("xinwan-ess", "cells", now - timedelta(seconds=1), {"T_max_C": 50.0}),
            message("yj-wind-1", "meter", now - timedelta(seconds=1), {"P_kW": 12_000.0}),
            message("lx-pv", "meter", now - timedelta(seconds=1), {"P_kW": 5_000.0}, region="431302"),
        ],
        now=now,
    )
    return now


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_for_the_county(login, yuanjiang_officer, live, name):
    response = login(yuanjiang_officer).get(reverse(name))
    assert response.status_code == 200


def test_control_room_shows_only_the_users_area(login, yuanjiang_officer, louxing, live):
    page = login(yuanjiang_officer).get(reverse("energy:room-live")).content.decode()
    assert "新湾镇储能电站" in page and "沅江风电场一期" in page and "娄星光伏电站" not in page
    assert "100" in page and "63.5%" in page  # power (MW) and SOC
    page = login(louxing).get(reverse("energy:room-live")).content.decode()
    assert "娄星光伏电站" in page and "新湾镇储能电站" not in page


def test_polling_fragments_and_station_page(login, yuanjiang_officer, live):
    client = login(yuanjiang_officer)
    page = client.get(reverse("energy:room")).content.decode()
    assert 'hx-trigger="every 2s"' in page
    page = client.get(reverse("energy:station", args=["xinwan-ess"])).content.decode()
    assert 'hx-get="/energy/stations/xinwan-ess/live/"' in page and 'data-chart="history-chart"' in page
    assert '"dataZoom"' in page  # history charts zoom
    fragment = client.get(reverse("energy:station-live", args=["xinwan-ess"])).content.decode()
    assert "放电" in fragment and "单体最高温度" in fragment  # state, and the alarm the reading raised
    for choice in ("6h", "7d", "365d"):
        assert (
            client.get(reverse("energy:station", args=["xinwan-ess"]), {"range": choice}).status_code == 200
        )
    assert (
        client.get(
            reverse("energy:station", args=["xinwan-ess"]),
            {"range": "custom", "start": "2023-07-01", "end": "2023-07-02"},
        ).status_code
        == 200
    )


def test_other_areas_station_is_a_404(login, louxing, outsider, live):
    assert login(louxing).get(reverse("energy:station", args=["xinwan-ess"])).status_code == 404
    assert login(louxing).get(reverse("energy:station-live", args=["xinwan-ess"])).status_code == 404
    assert login(outsider).get(reverse("energy:room")).status_code == 404  # energy is not theirs


def test_acknowledge_and_ticket_from_the_alarm_list(login, yuanjiang_officer, louxing, live):
    alarm = Alarm.objects.get(code="T_MAX_C_HIGH")
    assert login(louxing).post(reverse("energy:alarm-ack", args=[alarm.pk])).status_code == 404
    client = login(yuanjiang_officer)
    response = client.post(reverse("energy:alarm-ack", args=[alarm.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="alarm-{alarm.pk}"' in response.content.decode()
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == yuanjiang_officer
    page = client.get(reverse("energy:alarms"), {"state": "all"}).content.decode()
    assert alarm.message in page


@pytest.mark.parametrize("persona", ["hunan", "auditor"])
def test_a_read_only_account_sees_no_write_action_and_a_forced_post_is_refused(persona, request, login, live):
    alarm = Alarm.objects.get(code="T_MAX_C_HIGH")
    client = login(request.getfixturevalue(persona))
    alarms = client.get(reverse("energy:alarms"), {"state": "all"}).content.decode()
    assert alarm.message in alarms
    assert reverse("energy:alarm-ack", args=[alarm.pk]) not in alarms
    assert reverse("energy:alarm-ticket", args=[alarm.pk]) not in alarms
    station = client.get(reverse("energy:station", args=["xinwan-ess"])).content.decode()
    assert "新湾镇储能电站" in station and reverse("energy:station-plan", args=["xinwan-ess"]) not in station
    for url in (
        reverse("energy:alarm-ack", args=[alarm.pk]),
        reverse("energy:alarm-ticket", args=[alarm.pk]),
        reverse("energy:station-plan", args=["xinwan-ess"]),
        reverse("energy:dispatch"),
    ):
        response = client.post(url)
        assert response.status_code == 403, url
        assert "只读账号" in response.content.decode(), url
    api = client.post(f"/api/v1/energy/alarms/{alarm.pk}/ack")
    assert api.status_code == 403 and "只读账号" in api.json()["detail"]
    alarm.refresh_from_db()
    assert alarm.acknowledged_at is None and alarm.ticket_id is None


def test_organisation_bound_operator_sees_only_its_stations(login, storage, wind, xinwan):
    company = Organisation.objects.create(name="新湾储能运维公司", region=xinwan)
    storage.organisation = company
    storage.save()
    operator = make_user("op", Role.OPERATOR, "430981", organisation=company)
    page = login(operator).get(reverse("energy:room-live")).content.decode()
    assert "新湾镇储能电站" in page and "沅江风电场一期" not in page
    assert login(operator).get(reverse("energy:station", args=["yj-wind-1"])).status_code == 404


def test_statistics_page_names_the_factor_set_beside_each_figure(login, yuanjiang_officer, wind):
    start = datetime(2022, 7, 1, tzinfo=UTC)
    ingest_messages(
        [
            message("yj-wind-1", "meter", start + timedelta(hours=h), {"P_kW": 20_000.0}, period_s=3600)
            for h in range(48)
        ]
    )
    page = (
        login(yuanjiang_officer)
        .get(
            reverse("energy:statistics"),
            {"period": "2022", "granularity": "month", "group_by": "station", "factors": "mee-grid-2022"},
        )
        .content.decode()
    )
    assert "报道折算系数" in page and "全国电网平均排放因子" in page  # the sets by name, not code
    assert "0.3279 kgce/kWh" in page and "0.5703 kgCO2/kWh" in page
    assert "960" in page  # 20 MW × 48 h = 960 MWh


def test_dispatch_scenario_runs_and_is_listed(login, yuanjiang_officer, storage):
    client = login(yuanjiang_officer)
    form = {
        "station": storage.pk,
        "name": "一充一放",
        "mode": "arbitrage",
        "tariff": "hunan-tou-a",
        "base_price": "0.5",
        "start": "2023-07-24",
        "days": "1",
        "step_minutes": "60",
        "eta_charge": "0.88",
        "eta_discharge": "1",
        "soc_min": "0",
        "soc_max": "1",
        "soc_initial": "0",
        "degradation": "0",
        "max_cycles": "1",
    }
    response = client.post(reverse("energy:dispatch"), form)
    scenario = DispatchScenario.objects.get()
    assert response.status_code == 302 and response.url == reverse("energy:scenario", args=[scenario.pk])
    assert scenario.figures["revenue_yuan"] == pytest.approx(146545.45, rel=1e-6)
    assert client.get(response.url).status_code == 200
    assert "一充一放" in client.get(reverse("energy:dispatch")).content.decode()
    bad = client.post(
        reverse("energy:dispatch"), {**form, "soc_min": "0.9", "soc_max": "0.1", "soc_initial": "0.5"}
    )
    assert bad.status_code == 200 and DispatchScenario.objects.count() == 1


def _storage_station(code: str, region: Region) -> None:
    services.station_create(
        acting_user=SYSTEM,
        code=code,
        name=code,
        kind="storage",
        region=region,
        capacity_mw=Decimal("10"),
        commissioned_on=date(2022, 1, 1),
        energy_mwh=Decimal("20"),
        eta_charge=Decimal("0.9"),
        eta_discharge=Decimal("0.9"),
        soc_min=Decimal("0.1"),
        soc_max=Decimal("0.9"),
        device_counts={"pcs": 1, "bms": 1},
    )


def test_dispatch_offers_only_writable_stations_in_a_fixed_number_of_queries(
    client, xinwan, django_assert_max_num_queries
):
    """The page reads a leader's whole province but offers only the county the officer grant writes."""
    user = make_user("both", Role.OFFICER, "430981")
    RoleGrant.objects.create(user=user, role=Role.LEADER, region_id="43")
    louxing = Region.objects.get(code="431302")
    for n in range(4):
        _storage_station(f"yj-ess-{n}", xinwan)
        _storage_station(f"lx-ess-{n}", louxing)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("energy:dispatch")).content.decode()
    assert all(f">yj-ess-{n}<" in page for n in range(4))
    assert not any(f">lx-ess-{n}<" in page for n in range(4))


def test_resource_page_computes_the_reference_case(login, yuanjiang_officer):
    params = {
        "calc": "wind",
        "mean_speed": "2.44",
        "ref_height": "10",
        "hub_height": "129",
        "alpha": "0.2",
        "k": "2",
        "turbine": "E-141/4200",
        "losses": "0.15",
        "turbines": "1",
    }
    page = login(yuanjiang_officer).get(reverse("energy:resource"), params).content.decode()
    assert "4.07 m/s" in page and "4,57" in page  # v_hub 4.07 m/s, gross ≈ 4,578 MWh
    page = (
        login(yuanjiang_officer)
        .get(reverse("energy:resource"), {"calc": "pond", "area_mu": "63000", "density": "20"})
        .content.decode()
    )
    assert "3,150" in page


def test_project_step_update(login, yuanjiang_officer, louxing, storage):
    project = services.project_create(
        acting_user=SYSTEM,
        name="共华风电项目",
        kind="wind",
        region=storage.region,
        capacity_mw=50,
        investment_yuan=310_000_000,
        eco_constraints=["候鸟迁徙通道"],
    )
    step = project.steps.get(step=ApprovalStep.Step.APPROVAL)
    url = reverse("energy:step-update", args=[step.pk])
    assert login(louxing).post(url, {"status": "done", "done_on": "2023-05-01"}).status_code == 404
    client = login(yuanjiang_officer)
    assert client.post(url, {"status": "done", "done_on": "2023-05-01"}).status_code == 302
    step.refresh_from_db()
    assert step.status == "done"
    page = client.get(reverse("energy:projects")).content.decode()
    assert "共华风电项目" in page and "候鸟迁徙通道" in page


def test_quarantine_is_scoped(login, yuanjiang_officer, louxing, storage):
    ingest_messages([("countyworks/430981/xinwan-ess/meter/telemetry", b"{oops")])
    assert "{oops" in login(yuanjiang_officer).get(reverse("energy:quarantine")).content.decode()
    assert "{oops" not in login(louxing).get(reverse("energy:quarantine")).content.decode()


def test_home_tiles(login, yuanjiang_officer, live):
    page = login(yuanjiang_officer).get(reverse("home")).content.decode()
    assert "新能源并网容量" in page and "未确认电站告警" in page


def test_api_is_scoped(login, yuanjiang_officer, louxing, live):
    client = login(yuanjiang_officer)
    codes = [s["code"] for s in client.get("/api/v1/energy/stations").json()["items"]]
    assert sorted(codes) == ["xinwan-ess", "yj-wind-1"]
    live_rows = {r["code"]: r for r in client.get("/api/v1/energy/live").json()}
    assert (
        live_rows["xinwan-ess"]["power_mw"] == pytest.approx(100.0)
        and live_rows["xinwan-ess"]["soc_pct"] == 63.5
    )
    series = client.get("/api/v1/energy/stations/xinwan-ess/series").json()
    assert series["step_s"] == 900 and series["power_mw"][-1] == pytest.approx(100.0)
    assert client.get("/api/v1/energy/stations/xinwan-ess/series", {"step": 7}).status_code == 422
    alarm = client.get("/api/v1/energy/alarms").json()["items"][0]
    acked = client.post(f"/api/v1/energy/alarms/{alarm['id']}/ack")
    assert acked.status_code == 200 and acked.json()["acknowledged_at"]
    stats = client.get("/api/v1/energy/statistics", {"period": "2023"}).json()
    assert [c["factors"] for c in stats["carbon"]] == ["article-2023", "mee-nbs-2023-national"]
    assert client.get("/api/v1/energy/statistics", {"period": "23"}).status_code == 422
    assert json.loads(client.get("/api/v1/energy/stations/yj-wind-1").content)["kind"] == "wind"
    other = login(louxing)  # the test client now acts as 娄星区's officer
    assert other.get("/api/v1/energy/stations/xinwan-ess/live").status_code == 404
    assert other.post(f"/api/v1/energy/alarms/{alarm['id']}/ack").status_code == 404
    assert [s["code"] for s in other.get("/api/v1/energy/stations").json()["items"]] == ["lx-pv"]


def test_alarm_rule_update_is_scoped_and_takes_effect(login, yuanjiang_officer, louxing, storage):
    from countyworks.energy.models import AlarmRule

    rule = AlarmRule.objects.get(point__device__station=storage, point__code="T_max_C", kind="high")
    url = reverse("energy:rule-update", args=[rule.pk])
    assert login(louxing).post(url, {"threshold": "40", "deadband": "1", "enabled": "on"}).status_code == 404
    assert (
        login(yuanjiang_officer).post(url, {"threshold": "40", "deadband": "1", "enabled": "on"}).status_code
        == 302
    )
    rule.refresh_from_db()
    assert (rule.threshold, rule.deadband, rule.enabled) == (40.0, 1.0, True)
    report = ingest_messages(
        [message("xinwan-ess", "cells", datetime(2023, 7, 24, tzinfo=UTC), {"T_max_C": 42.0})]
    )
    assert report.alarms_raised == 1


def test_acknowledging_from_the_list_returns_the_acknowledged_row(login, yuanjiang_officer, live):
    """htmx swaps the returned row in: it must show who acknowledged, not 未确认 and the button again."""
    alarm = Alarm.objects.get(code="T_MAX_C_HIGH")
    client = login(yuanjiang_officer)
    row = client.post(reverse("energy:alarm-ack", args=[alarm.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "未确认" not in row
    assert reverse("energy:alarm-ack", args=[alarm.pk]) not in row
    assert yuanjiang_officer.username in row or yuanjiang_officer.get_full_name() in row


def _hourly(station: str, start: datetime, hours: int, kw: float):
    return [
        message(station, "meter", start + timedelta(hours=h), {"P_kW": kw}, period_s=3600)
        for h in range(hours)
    ]


def test_statistics_opens_on_the_latest_year_with_data(login, yuanjiang_officer, wind):
    ingest_messages(_hourly("yj-wind-1", datetime(2022, 7, 1, tzinfo=UTC), 48, 20_000.0))
    page = login(yuanjiang_officer).get(reverse("energy:statistics")).content.decode()
    assert "新能源统计 · 2022年" in page
    assert 'value="2022"' in page and "960" in page


def test_statistics_opens_on_this_year_when_only_this_year_has_data(login, yuanjiang_officer, wind):
    now = timezone.now()
    ingest_messages(_hourly("yj-wind-1", now - timedelta(hours=3), 2, 20_000.0), now=now)
    page = login(yuanjiang_officer).get(reverse("energy:statistics")).content.decode()
    assert f"新能源统计 · {timezone.localdate().year}年" in page


def test_statistics_sources_are_written_for_the_reader(login, yuanjiang_officer, wind):
    ingest_messages(_hourly("yj-wind-1", datetime(2022, 7, 1, tzinfo=UTC), 48, 20_000.0))
    client = login(yuanjiang_officer)
    response = client.get(reverse("energy:statistics"), {"period": "2022"})
    page = response.content.decode()
    assert "《湖南日报》2023 年 7 月 27 日" in page and "环办气候函〔2023〕43号" not in page
    for developer_note in ("seed article", "docs/rules", "§", "Implied by"):
        assert developer_note not in page
    assert "（MWh）（MWh）" not in page and "(MWh)（MWh）" not in page
    generation = response.context["charts"]["generation"]
    assert generation["title"]["text"] == "发电量（MWh）"
    assert generation["xAxis"]["data"][6] == "7月"  # one year by month: month names, not 2022-07
    english = client.get(reverse("energy:statistics"), {"period": "2022"}, HTTP_ACCEPT_LANGUAGE="en")
    body = english.content.decode()
    assert "Hunan Daily" in body and "《湖南日报》" not in body


def test_station_year_view_shows_todays_data(login, yuanjiang_officer, live):
    page = login(yuanjiang_officer).get(reverse("energy:station", args=["xinwan-ess"]), {"range": "365d"})
    option = page.context["history"]
    assert len(option["xAxis"]["data"]) >= 365  # the whole year is on the axis
    power = option["series"][0]
    assert power["data"][-1] == pytest.approx(100.0)
    assert power["showSymbol"] is True and power["showAllSymbol"] is True


def test_control_room_charts_todays_output_by_type_with_the_storage_soc(login, yuanjiang_officer, live):
    fragment = login(yuanjiang_officer).get(reverse("energy:room-live"))
    body = fragment.content.decode()
    assert 'data-chart="room-chart-data"' in body and 'hx-preserve="true"' in body
    option = fragment.context["chart"]
    values = {s["name"]: [v for v in s["data"] if v is not None] for s in option["series"]}
    assert values == {"储能电站": [100.0], "风电场": [12.0], "储能 SOC (%)": [63.5]}
    assert option["series"][-1]["yAxisIndex"] == 1


DISPATCH_FORM = {
    "name": "一充一放",
    "mode": "arbitrage",
    "tariff": "hunan-tou-a",
    "base_price": "0.5",
    "start": "2023-07-24",
    "days": "1",
    "step_minutes": "60",
    "eta_charge": "0.88",
    "eta_discharge": "1",
    "soc_min": "0.1",
    "soc_max": "0.9",
    "soc_initial": "0",
    "degradation": "0",
    "max_cycles": "1",
}


def test_dispatch_refusals_are_worded_for_the_reader(login, yuanjiang_officer, storage):
    client = login(yuanjiang_officer)
    page = client.post(reverse("energy:dispatch"), {**DISPATCH_FORM, "station": storage.pk}).content.decode()
    assert "初始 SOC 须在 0.1 与 0.9 之间" in page
    assert "soc_initial:" not in page and "outside the SOC window" not in page
    english = client.post(
        reverse("energy:dispatch"), {**DISPATCH_FORM, "station": storage.pk}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The initial SOC must be between 0.1 and 0.9" in english
    draft = client.post(
        reverse("energy:dispatch"),
        {
            **DISPATCH_FORM,
            "station": storage.pk,
            "soc_initial": "0.5",
            "tariff": "hunan-tou-draft",
            "start": "2023-12-01",
        },
        follow=True,
    ).content.decode()
    assert "所选分时电价不覆盖所选日期" in draft and "no version covers" not in draft
    assert DispatchScenario.objects.count() == 0


def test_dispatch_defaults_are_consistent_and_codes_are_words(login, yuanjiang_officer, storage):
    client = login(yuanjiang_officer)
    form = client.get(reverse("energy:dispatch")).context["form"]
    low, high = float(form.initial["soc_min"]), float(form.initial["soc_max"])
    assert low <= float(form.initial["soc_initial"]) <= high
    body = client.get(reverse("energy:dispatch")).content.decode()
    assert "unverified" not in body and "（unverified）" not in body
    assert "湖南分时电价（全年时段） · 未经官方文件核实" in body
    ok = client.post(reverse("energy:dispatch"), {**DISPATCH_FORM, "station": storage.pk, "soc_initial": ""})
    assert ok.status_code == 302
    listing = client.get(reverse("energy:dispatch")).content.decode()
    assert "峰谷套利" in listing.split("已算方案")[1] and ">arbitrage<" not in listing
    assert "hunan-tou-a" not in listing.split("已算方案")[1]
    scenario = client.get(ok.url).content.decode()
    assert "峰谷套利" in scenario and "期初期末相等、由求解确定" in scenario and "cyclic" not in scenario
    english = client.get(ok.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Peak–valley arbitrage" in english and "Hunan time-of-use tariff" in english


def test_chart_titles_name_their_unit_once(login, yuanjiang_officer, storage):
    client = login(yuanjiang_officer)
    client.post(reverse("energy:dispatch"), {**DISPATCH_FORM, "station": storage.pk, "soc_initial": "0.5"})
    titles = [client.get(reverse("energy:dispatch")).context["compare"]["title"]["text"]]
    for params in (
        {"calc": "wind", "mean_speed": "2.44", "ref_height": "10", "hub_height": "129", "alpha": "0.2"}
        | {"k": "2", "turbine": "E-141/4200", "losses": "0.15", "turbines": "1"},
        {"calc": "pv", "latitude": "28.8", "longitude": "112.4", "year": "2023", "tilt": "20"}
        | {"azimuth": "180", "index": "clear-sky", "capacity_mw": "1"},
    ):
        charts = client.get(reverse("energy:resource"), params).context["charts"]
        titles += [chart["title"]["text"] for chart in charts.values()]
    assert len(titles) >= 2
    for title in titles:
        assert title.count("(") + title.count("（") == 1, title


def test_control_room_chart_reads_only_the_current_slot_at_each_refresh(wind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from countyworks.energy.selectors import room_chart
    from countyworks.energy.store import bucket_start

    now = timezone.now()
    slot = bucket_start(now, 900)
    if timezone.localtime(slot).hour == 0 and timezone.localtime(slot).minute < 30:
        pytest.skip("needs a finished slot earlier today")
    earlier = slot - timedelta(minutes=20)
    ingest_messages(
        [message("yj-wind-1", "meter", t, {"P_kW": kw}) for t, kw in ((earlier, 8_000.0), (now, 12_000.0))],
        now=now,
    )
    first = [v for v in room_chart([wind], now)["series"][0]["data"] if v is not None]
    with CaptureQueriesContext(connection) as queries:
        again = [v for v in room_chart([wind], now)["series"][0]["data"] if v is not None]
    assert first == again == [8.0, 12.0]
    rollup_reads = [q["sql"] for q in queries.captured_queries if "energy_rollup" in q["sql"]]
    assert len(rollup_reads) == 1  # the finished slots came from the cache
