"""Every change to domain data is audited; the audit page shows who, when, before → after."""

import pytest

from countyworks.core.models import Organisation
from countyworks.core.services import audited_save


@pytest.fixture
def org(changning):
    return audited_save(Organisation(name="常宁新河鱼业有限公司", region_id="430482"), acting_user=changning)


def test_history_records_who_and_before_after(org, changning):
    org.name = "常宁新河鱼业股份有限公司"
    audited_save(org, acting_user=changning, reason="更名")
    latest, first = org.history.all()[:2]
    assert latest.history_user == changning
    assert latest.history_change_reason == "更名"
    delta = latest.diff_against(first)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("name", "常宁新河鱼业有限公司", "常宁新河鱼业股份有限公司")
    ]


def test_audit_page_for_auditors_only(login, org, auditor, changning):
    url = f"/audit/core.organisation/{org.pk}/"
    assert login(changning).get(url).status_code == 404
    response = login(auditor).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "创建" in body and "changning" in body
    assert "企业" in body and "常宁市" in body  # choice and related region in words, not codes


def test_audit_page_is_scoped(login, db):
    from tests.conftest import make_user

    org = Organisation.objects.create(name="娄底爱派尔科技有限公司", region_id="431302")
    county_auditor = make_user("cn_auditor", "auditor", "430482")
    assert login(county_auditor).get(f"/audit/core.organisation/{org.pk}/").status_code == 404


def test_credit_code_is_validated(changning):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        audited_save(
            Organisation(name="x", region_id="430482", credit_code="91430482MA4L00000X"),
            acting_user=changning,
        )


# --- The audit log (审计日志) ----------------------------------------------------------------------


@pytest.fixture
def changes(changning, louxing):
    """A renamed and re-kinded 常宁 organisation, and a 娄星 one."""
    org = audited_save(Organisation(name="常宁新河鱼业有限公司", region_id="430482"), acting_user=changning)
    org.name, org.kind = "常宁新河鱼业合作社", Organisation.Kind.COOPERATIVE
    audited_save(org, acting_user=changning, reason="改制")
    other = audited_save(Organisation(name="娄底爱派尔科技有限公司", region_id="431302"), acting_user=louxing)
    return org, other


def test_audit_log_is_in_the_menu_of_auditors_only(login, auditor, changning):
    assert "/audit/" in login(auditor).get("/").content.decode()
    assert 'href="/audit/"' not in login(changning).get("/").content.decode()
    assert login(changning).get("/audit/").status_code == 404


def test_audit_log_shows_field_changes_in_words(login, auditor, changes):
    body = login(auditor).get("/audit/").content.decode()
    # the field's label and the choice labels, never the raw name or code
    assert "类型：" in body and "<del>企业</del> → <ins>合作社</ins>" in body
    assert "<del>常宁新河鱼业有限公司</del> → <ins>常宁新河鱼业合作社</ins>" in body
    assert "kind" not in body.split("<tbody>")[1] and "cooperative" not in body
    assert "所在区划：" in body and "常宁市" in body  # the created record's region by name
    assert "改制" in body
    assert "ID：" not in body  # the key is no entry of the official's


def test_unnamed_relations_are_called_after_their_model():
    from countyworks.core.audit import _label
    from countyworks.core.models import RoleGrant

    assert _label(RoleGrant, "user") == "用户" and _label(RoleGrant, "region") == "管辖区域"


def test_audit_log_is_scoped_to_the_viewers_region(login, changes):
    from tests.conftest import make_user

    county_auditor = make_user("ly_auditor", "auditor", "431302")
    body = login(county_auditor).get("/audit/").content.decode()
    assert "娄底爱派尔科技有限公司" in body and "常宁新河鱼业" not in body


def test_audit_log_filters(login, auditor, changes):
    client = login(auditor)
    body = client.get("/audit/", {"user": "louxing"}).content.decode()
    assert "娄底爱派尔" in body and "常宁新河鱼业" not in body
    body = client.get("/audit/", {"region": "430482"}).content.decode()
    assert "常宁新河鱼业" in body and "娄底爱派尔" not in body
    body = client.get("/audit/", {"model": "core.region"}).content.decode()
    assert "常宁新河鱼业" not in body and "娄底爱派尔" not in body
    body = client.get("/audit/", {"date_to": "2000-01-01"}).content.decode()
    assert "没有符合条件的记录" in body


def test_audit_log_pages_in_the_database_with_few_queries(
    login, auditor, changning, django_assert_max_num_queries
):
    from countyworks.core import audit

    for n in range(audit.PAGE_SIZE + 5):
        audited_save(Organisation(name=f"常宁测试企业{n:03d}", region_id="430482"), acting_user=changning)
    client = login(auditor)
    # session, user, grants, menus and region switcher, one UNION count, one UNION page,
    # and per model on the page: records, predecessors, live objects, related regions
    with django_assert_max_num_queries(20):
        body = client.get("/audit/").content.decode()
    assert body.count("<tr>") - 1 == audit.PAGE_SIZE
    assert "第 1/2 页" in body
    assert "常宁测试企业000" in client.get("/audit/", {"page": 2}).content.decode()


def test_audit_log_export_has_exactly_the_filtered_rows(login, auditor, changes):
    from io import BytesIO

    from openpyxl import load_workbook

    response = login(auditor).get("/audit/", {"user": "changning", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    changed = [(r[5], r[6], r[7]) for r in rows[1:] if r[2] == "修改"]
    assert sorted(changed) == [
        ("名称", "常宁新河鱼业有限公司", "常宁新河鱼业合作社"),
        ("类型", "企业", "合作社"),
    ]
    assert all("娄底" not in (r[4] or "") for r in rows[1:])
    assert {r[4] for r in rows[1:]} == {"常宁新河鱼业合作社"}


def test_structured_values_are_shown_by_their_size_not_their_machine_keys():
    from django.db import models

    from countyworks.core.audit import _Words

    said = _Words().say(models.JSONField(), {"charge_mw": [0.5] * 96, "soc": [0.5] * 96})
    assert said == "结构化数据（2 项）" and "charge_mw" not in said


def test_audit_trail_page_names_the_kind_of_record_in_words(login, org, auditor):
    audited_save(org, acting_user=auditor)
    body = login(auditor).get(f"/audit/core.organisation/{org.pk}/").content.decode()
    assert f"{Organisation._meta.verbose_name} #{org.pk}" in body and "core.organisation #" not in body


def test_audit_page_shows_choice_labels_not_codes(login, org, auditor):
    org.kind = Organisation.Kind.UNIVERSITY
    audited_save(org, acting_user=auditor)
    body = login(auditor).get(f"/audit/core.organisation/{org.pk}/").content.decode()
    assert str(Organisation.Kind.UNIVERSITY.label) in body and str(Organisation.Kind.ENTERPRISE.label) in body
    assert ">university<" not in body and ">enterprise<" not in body


def test_a_stored_file_is_shown_by_its_name_not_its_storage_path():
    from django.db import models

    from countyworks.core.audit import _Words

    field = models.FileField(upload_to="courtyards/%Y/%m/")
    assert _Words().say(field, "courtyards/2023/06/inspection-17.jpg") == "文件 inspection-17.jpg"
