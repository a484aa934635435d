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


def test_audit_page_shows_choice_labels_not_codes(login, org, auditor):
    org.kind = Organisation.Kind.UNIVERSITY
    audited_save(org, acting_user=auditor)
    body = login(auditor).get(f"/audit/core.organisation/{org.pk}/").content.decode()
    assert str(Organisation.Kind.UNIVERSITY.label) in body and str(Organisation.Kind.ENTERPRISE.label) in body
    assert ">university<" not in body and ">enterprise<" not in body
