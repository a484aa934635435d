"""Writes of program 2: campaigns, pools, 一企一策, 揭榜挂帅, platforms and achievements.

One function per use case (``<entity>_<action>``), keyword-only, transactional and audited
(django-simple-history records who changed what). Every function checks that ``acting_user``
may write in the object's area (the access gate, :mod:`countyworks.core.permissions`), so a
view cannot forget it. Rules are never implemented here: campaigns call the official rule
sets of :mod:`countyworks.rules` (``get_ruleset(code).validate/evaluate``).

The use cases live in one module per subject (:mod:`.campaigns`, :mod:`.campaign_files`,
:mod:`.evaluation`, :mod:`.pools`, :mod:`.assessment`, :mod:`.plans`, :mod:`.challenges`,
:mod:`.platforms`); this package re-exports their public names, so callers write
``from countyworks.innovation import services; services.campaign_create(...)``.
"""

from __future__ import annotations

from countyworks.innovation.services._common import BATCH
from countyworks.innovation.services.assessment import Assessment, self_assess
from countyworks.innovation.services.campaign_files import (
    ENTERPRISE_COLUMNS,
    CheckedFile,
    campaign_check_file,
    campaign_error_report,
    column_labels,
    row_error_zh,
)
from countyworks.innovation.services.campaigns import (
    campaign_create,
    campaign_ruleset,
    campaign_run,
    campaign_upload,
    ruleset_version_text,
)
from countyworks.innovation.services.challenges import (
    challenge_accept,
    challenge_application_submit,
    challenge_award,
    challenge_create,
    challenge_milestone_add,
    challenge_milestone_complete,
    challenge_review_record,
    challenge_tranche_add,
    challenge_tranche_pay,
    challenge_transition,
)
from countyworks.innovation.services.evaluation import RESULT_COLUMNS, CampaignFileChanged, campaign_evaluate
from countyworks.innovation.services.plans import (
    PLAN_TICKET_POLICY,
    plan_create,
    plan_milestone_add,
    plan_milestone_complete,
    plan_problem_raise,
    plan_ticket_categories,
    plan_update,
)
from countyworks.innovation.services.platforms import achievement_create, platform_create, platform_expert_add
from countyworks.innovation.services.pools import (
    CULTIVATION_MAX_FAILED,
    LOCAL_POOLS,
    MEMBERSHIP_COLUMNS,
    RESERVE_FAILURES,
    campaign_confirm,
    cultivation_pool_refresh,
    default_entry_date,
    pool_enter_by_decision,
    pool_exit,
)

__all__ = [
    "BATCH",
    "CULTIVATION_MAX_FAILED",
    "ENTERPRISE_COLUMNS",
    "LOCAL_POOLS",
    "MEMBERSHIP_COLUMNS",
    "plan_ticket_categories",
    "PLAN_TICKET_POLICY",
    "RESERVE_FAILURES",
    "RESULT_COLUMNS",
    "Assessment",
    "CampaignFileChanged",
    "CheckedFile",
    "achievement_create",
    "campaign_check_file",
    "campaign_error_report",
    "campaign_confirm",
    "campaign_create",
    "campaign_evaluate",
    "campaign_ruleset",
    "campaign_run",
    "campaign_upload",
    "challenge_accept",
    "challenge_application_submit",
    "challenge_award",
    "challenge_create",
    "challenge_milestone_add",
    "challenge_milestone_complete",
    "challenge_review_record",
    "challenge_tranche_add",
    "challenge_tranche_pay",
    "challenge_transition",
    "cultivation_pool_refresh",
    "default_entry_date",
    "plan_create",
    "plan_milestone_add",
    "plan_milestone_complete",
    "plan_problem_raise",
    "plan_update",
    "platform_create",
    "platform_expert_add",
    "pool_enter_by_decision",
    "pool_exit",
    "column_labels",
    "row_error_zh",
    "ruleset_version_text",
    "self_assess",
]
