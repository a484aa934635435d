"""Background job functions of program 2 (run by :mod:`countyworks.core.jobs`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from countyworks.core.actors import SYSTEM
from countyworks.core.jobs import Progress
from countyworks.innovation.models import EvaluationCampaign
from countyworks.innovation.services import campaign_evaluate


def campaign_evaluate_job(*, progress: Progress, campaign_id: int, user_id: int | None) -> dict[str, Any]:
    """Evaluate a campaign's uploaded file (see :func:`~countyworks.innovation.services.campaign_evaluate`)."""
    campaign = EvaluationCampaign.objects.select_related("region").get(pk=campaign_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return campaign_evaluate(campaign=campaign, acting_user=user or SYSTEM, progress=progress)
