"""Program 4's use cases and formulas, one module per area (re-exported here)."""

from countyworks.parks.services._common import Rate
from countyworks.parks.services.investment import (
    SIZE_BANDS,
    LeadRates,
    SizeBand,
    band_counts,
    check_lead,
    lead_rates,
    lead_save,
    size_band,
)
from countyworks.parks.services.land import (
    DISPOSAL_KINDS,
    M2_PER_MU,
    CategoryRate,
    category_rates,
    check_disposal,
    disposal_rate,
    disposal_record,
    disposed_area,
    parcel_save,
)
from countyworks.parks.services.mujun import (
    D_SURCHARGES,
    consecutive_d_years,
    d_surcharge,
    highest_surcharge,
    mujun_evaluate,
)
from countyworks.parks.services.projects import OVERNIGHT, milestone_actual_record, project_problem_raise
from countyworks.parks.services.wuhao import (
    BOTTOM,
    AssessmentRow,
    assessment_save,
    assessment_trend,
    in_bottom,
    rank_change,
)

__all__ = [
    "BOTTOM",
    "DISPOSAL_KINDS",
    "D_SURCHARGES",
    "M2_PER_MU",
    "OVERNIGHT",
    "SIZE_BANDS",
    "AssessmentRow",
    "CategoryRate",
    "LeadRates",
    "Rate",
    "SizeBand",
    "assessment_save",
    "assessment_trend",
    "band_counts",
    "category_rates",
    "check_disposal",
    "check_lead",
    "consecutive_d_years",
    "d_surcharge",
    "highest_surcharge",
    "mujun_evaluate",
    "disposal_rate",
    "disposal_record",
    "disposed_area",
    "in_bottom",
    "lead_rates",
    "lead_save",
    "milestone_actual_record",
    "parcel_save",
    "project_problem_raise",
    "rank_change",
    "size_band",
]
