"""Writes of program 5: courtyards, households, sheets, inspections, points, assistance and works.

One function per use case (``<entity>_<action>``), keyword-only, transactional and audited
(django-simple-history records who changed what); each checks that ``acting_user`` may write in
the record's area (:mod:`countyworks.core.permissions`). The scoring itself is
:mod:`countyworks.courtyards.scoring`, never re-implemented here.
"""

from __future__ import annotations

from countyworks.courtyards.services.awards import annual_awards_grant
from countyworks.courtyards.services.community import (
    assistance_record,
    committee_member_add,
    courtyard_create,
    household_flag,
    household_register,
)
from countyworks.courtyards.services.inspections import PhotoUpload, inspection_submit, score_total
from countyworks.courtyards.services.photos import PHOTO_MAX_BYTES, photo_check
from countyworks.courtyards.services.points import (
    balance_of,
    points_credit_award,
    points_credit_inspection,
    points_redeem,
    points_rule_for,
    shop_item_save,
)
from countyworks.courtyards.services.sheets import (
    DEFAULT_ITEMS,
    default_sheet_create,
    sheet_create,
    sheet_extend,
    sheet_for,
    sheet_spec,
)
from countyworks.courtyards.services.works import work_create, work_photo_add, work_set_status

__all__ = [
    "DEFAULT_ITEMS",
    "PHOTO_MAX_BYTES",
    "PhotoUpload",
    "annual_awards_grant",
    "assistance_record",
    "balance_of",
    "committee_member_add",
    "courtyard_create",
    "default_sheet_create",
    "household_flag",
    "household_register",
    "inspection_submit",
    "photo_check",
    "points_credit_award",
    "points_credit_inspection",
    "points_redeem",
    "points_rule_for",
    "score_total",
    "sheet_create",
    "sheet_extend",
    "sheet_for",
    "sheet_spec",
    "shop_item_save",
    "work_create",
    "work_photo_add",
    "work_set_status",
]
