"""Inspections, corrections, bad input, points and the shop (services)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Region
from countyworks.courtyards import services
from countyworks.courtyards.models import Inspection, PointsEntry, ShopItem
from countyworks.courtyards.services import PhotoUpload

FULL = {
    "poultry_penned": "20",
    "debris_stacked": "20",
    "front_back_clean": "20",
    "garden_fenced": "20",
    "firewood_stacked": "20",
}
#: The smallest valid PNG (1×1).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def submit(household, month=date(2023, 5, 1), points=None, **kwargs):
    return services.inspection_submit(
        household=household, month=month, points=points or FULL, acting_user=SYSTEM, **kwargs
    )


def test_an_inspection_is_scored_on_the_sheet_and_credits_points(household):
    inspection = submit(household, points={**FULL, "firewood_stacked": "12.5"}, violations=1)
    assert inspection.total == Decimal("87.5") and inspection.stars == 4  # 92.5 − 5
    assert [e.points for e in PointsEntry.objects.filter(household=household)] == [8]  # 4 stars × 2


def test_a_score_above_the_items_maximum_is_refused_in_chinese_and_nothing_is_written(household):
    with pytest.raises(ValidationError) as caught:
        submit(household, points={**FULL, "garden_fenced": "25"})
    assert caught.value.message_dict["garden_fenced"] == ["「菜园围栏」得分 25 超过该项满分 20 分"]
    assert not Inspection.objects.exists()


def test_a_future_month_is_refused(household):
    with pytest.raises(ValidationError) as caught:
        submit(household, month=date(2999, 1, 1))
    assert "不能登记未来月份" in caught.value.message_dict["month"][0]


def test_a_second_inspection_of_the_month_is_refused_unless_it_is_a_correction(household):
    submit(household, points={**FULL, "garden_fenced": "5"})  # 85 → ★4, 8 points
    with pytest.raises(ValidationError) as caught:
        submit(household)
    assert "已评比（85.0 分）" in caught.value.message_dict["month"][0]
    corrected = submit(household, correction=True)  # 100 → ★5, 2 more points
    assert corrected.total == Decimal("100.0")
    assert [h.total for h in corrected.history.order_by("history_id")] == [Decimal("85.0"), Decimal("100.0")]
    assert [e.points for e in PointsEntry.objects.filter(household=household)] == [8, 2]
    assert Inspection.objects.count() == 1


def test_the_same_entry_resent_by_the_offline_form_is_recognised(household):
    first = submit(household, client_key="phone-1-abc")
    again = submit(household, client_key="phone-1-abc")
    assert again.pk == first.pk and Inspection.objects.count() == 1


def test_photos_must_be_images_of_reasonable_size(household):
    text = SimpleUploadedFile("a.jpg", b"not an image at all", content_type="image/jpeg")
    big = SimpleUploadedFile("b.png", PNG + b"\0" * (services.PHOTO_MAX_BYTES + 1), content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        submit(household, photos=[PhotoUpload(text), PhotoUpload(big)])
    assert caught.value.message_dict["photos"] == [
        "文件「a.jpg」不是照片（只接受 JPEG 或 PNG 图片）",
        "照片「b.png」太大（3.0 MB），不能超过 3 MB，请压缩后重新上传",
    ]
    inspection = submit(
        household, photos=[PhotoUpload(SimpleUploadedFile("c.png", PNG), item="garden_fenced")]
    )
    photo = inspection.photos.get()
    assert photo.content_type == "image/png" and photo.item.code == "garden_fenced"
    assert photo.region_code == household.region_id


def test_a_village_version_adds_items_from_its_month(courtyard, household):
    village = Region.objects.get(code="430523104201")
    base = services.sheet_for(household.region_id, date(2023, 12, 1))
    services.sheet_extend(
        base=base,
        region=village,
        effective_from=date(2024, 1, 1),
        extra_items=[("toilet_clean", "厕所卫生", Decimal(10), "")],
        star_cuts=[(5, Decimal(99)), (1, Decimal(55))],
        acting_user=SYSTEM,
    )
    assert services.sheet_for(household.region_id, date(2023, 12, 1)) == base
    newer = services.sheet_for(household.region_id, date(2024, 1, 1))
    assert [i.code for i in newer.items.all()][-1] == "toilet_clean"
    inspection = submit(household, month=date(2024, 1, 1), points={**FULL, "toilet_clean": "9"})
    assert inspection.total == Decimal("109.0") and inspection.stars == 5


def test_the_ledger_never_goes_negative_and_stock_is_kept(household):
    submit(household)  # ★5: 10 points
    oil = services.shop_item_save(
        region_code="430523104201", name="食用油", points_price=6, stock=3, acting_user=SYSTEM
    )
    services.points_redeem(household=household, item=oil, quantity=1, acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="积分不足"):
        services.points_redeem(household=household, item=oil, quantity=1, acting_user=SYSTEM)
    with pytest.raises(ValidationError, match="库存不足"):
        services.points_redeem(household=household, item=oil, quantity=5, acting_user=SYSTEM)
    assert services.balance_of(household) == 4
    assert ShopItem.objects.get(pk=oil.pk).stock == 2
    assert oil.history.count() == 2  # created, then one unit taken


def test_an_officer_of_another_county_may_not_inspect(household, changning):
    with pytest.raises(PermissionDenied):
        services.inspection_submit(
            household=household, month=date(2023, 5, 1), points=FULL, acting_user=changning
        )


def test_a_courtyard_code_extends_its_villages(courtyard):
    with pytest.raises(ValidationError):
        services.courtyard_create(
            village=Region.objects.get(code="430523104201"),
            code="43052310430101",
            name="别村院落",
            acting_user=SYSTEM,
        )
    assert courtyard.region.level == "courtyard" and courtyard.village_code == "430523104201"


def test_works_move_to_done_with_a_date_and_keep_before_and_after_photos(courtyard, household):
    work = services.work_create(
        courtyard=courtyard,
        kind="dry_toilet",
        title="拆除旱厕",
        household=household,
        cost_yuan=Decimal(600),
        acting_user=SYSTEM,
    )
    with pytest.raises(ValidationError) as caught:
        services.work_set_status(work=work, status="done", acting_user=SYSTEM)
    assert caught.value.message_dict["completed_on"] == ["请填写完成日期"]
    services.work_photo_add(
        work=work, stage="before", upload=SimpleUploadedFile("before.png", PNG), acting_user=SYSTEM
    )
    with pytest.raises(ValidationError, match="不是照片"):
        services.work_photo_add(
            work=work, stage="after", upload=SimpleUploadedFile("after.png", b"%PDF-1.4"), acting_user=SYSTEM
        )
    services.work_set_status(work=work, status="done", completed_on=date(2022, 7, 1), acting_user=SYSTEM)
    assert [p.stage for p in work.photos.all()] == ["before"]
    assert [h.status for h in work.history.order_by("history_id")] == ["planned", "done"]


def test_help_is_recorded_and_the_top_ten_are_awarded_with_their_bonus(courtyard, household):
    services.household_flag(
        household=household,
        needs_assistance=True,
        circumstances="妻子患病",
        acting_user=SYSTEM,
        on=date(2023, 4, 1),
    )
    services.assistance_record(
        household=household,
        helped_on=date(2023, 4, 22),
        kind="repair",
        description="重建伙房",
        helpers="村民投工",
        labour_days=Decimal(12),
        acting_user=SYSTEM,
    )
    for month in range(1, 11):
        submit(household, month=date(2023, month, 1))
    awards = services.annual_awards_grant(courtyard=courtyard, year=2023, prize="牌匾", acting_user=SYSTEM)
    assert [(a.rank, a.annual_score) for a in awards] == [(1, Decimal("100.000"))]
    assert (
        services.annual_awards_grant(courtyard=courtyard, year=2023, prize="牌匾", acting_user=SYSTEM) == []
    )
    assert services.balance_of(household) == 10 * 10 + 20


def test_a_photo_is_named_by_its_file_not_its_storage_path():
    from countyworks.courtyards.models import Photo

    assert str(Photo(file="courtyards/2023/06/garden.jpg")) == "文件 garden.jpg"
