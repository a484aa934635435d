"""What the energy pages show for the codes of the data files and the maths core, in the UI's language.

The core (dispatch, tariffs, carbon factors) speaks in codes and English problems, for the CLI and
the logs; a page shows words: 峰谷套利 for ``arbitrage``, 湖南分时电价（未核实）for ``hunan-tou-a``,
a source note written for the reader that names the published document, and refusals in Chinese
without field names. Every string here goes through gettext (English in the catalogue).
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.energy.carbon import FactorSet
from countyworks.energy.timeseries import EnergyInputError, Problem

logger = logging.getLogger(__name__)

MODES = {
    "arbitrage": gettext_lazy("峰谷套利"),
    "peak-shaving": gettext_lazy("削峰（负荷封顶）"),
}

TARIFFS = {
    "hunan-tou-a": gettext_lazy("湖南分时电价（全年时段）"),
    "hunan-tou-draft": gettext_lazy("湖南分时电价征求意见稿（7–8 月时段）"),
}

STATUSES = {
    "unverified": gettext_lazy("未经官方文件核实"),
    "official": gettext_lazy("官方发布"),
    "implied": gettext_lazy("由报道数字推算"),
}

FACTOR_SCOPES = {
    "article": gettext_lazy("报道口径"),
    "carbon-market": gettext_lazy("碳市场（发电行业排放报告）"),
    "consumption": gettext_lazy("用电碳排放核算"),
}

#: Factor sets by code: a name and the source as the reader needs it (the published document).
FACTOR_SETS = {
    "article-2023": (
        gettext_lazy("报道折算系数"),
        gettext_lazy(
            "据《湖南日报》2023 年 7 月 27 日关于沅江市新能源的报道：6.1 亿千瓦时发电量折合节约标准煤"
            " 20 万吨、减排二氧化碳 61 万吨，由此折算每千瓦时 0.3279 千克标准煤、1 千克二氧化碳。"
        ),
    ),
    "mee-grid-2022": (
        gettext_lazy("全国电网平均排放因子"),
        gettext_lazy(
            "生态环境部办公厅《关于做好2023—2025年发电行业企业温室气体排放报告管理有关工作的通知》"
            "（环办气候函〔2023〕43号）：全国电网平均排放因子 0.5703 吨二氧化碳/兆瓦时，"
            "用于发电行业温室气体排放报告（碳市场）。"
        ),
    ),
    "mee-nbs-2022-national": (
        gettext_lazy("2022 年全国电力平均排放因子"),
        gettext_lazy(
            "生态环境部、国家统计局《关于发布2022年电力二氧化碳排放因子的公告》：2022 年全国电力平均"
            "二氧化碳排放因子 0.5366 千克/千瓦时，用于核算用电的二氧化碳排放。"
        ),
    ),
    "mee-nbs-2023-national": (
        gettext_lazy("2023 年全国电力平均排放因子"),
        gettext_lazy(
            "生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》：2023 年全国电力平均"
            "二氧化碳排放因子 0.5306 千克/千瓦时，用于核算用电的二氧化碳排放。"
        ),
    ),
    "mee-nbs-2023-central": (
        gettext_lazy("2023 年华中区域电力平均排放因子"),
        gettext_lazy(
            "生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》：2023 年华中区域"
            "（含湖南）电力平均二氧化碳排放因子 0.5271 千克/千瓦时。"
        ),
    ),
}


def mode_label(code: str) -> str:
    return str(MODES.get(code, code))


def tariff_label(code: str, status: str = "") -> str:
    """``hunan-tou-a`` → 湖南分时电价（全年时段）· 未经官方文件核实."""
    name = str(TARIFFS.get(code, code))
    return f"{name} · {STATUSES[status]}" if status in STATUSES else name


def factor_set_name(code: str) -> str:
    """A factor set's name for people (``mee-nbs-2023-national`` → 2023 年全国电力平均排放因子)."""
    return str(FACTOR_SETS.get(code, (code, ""))[0])


def factor_set_row(factors: FactorSet) -> dict[str, str]:
    """Name, status, scope and source of a factor set for the statistics page."""
    name, source = FACTOR_SETS.get(factors.code, (factors.code, ""))
    return {
        "name": str(name),
        "status": str(STATUSES.get(factors.status, factors.status)),
        "scope": str(FACTOR_SCOPES.get(factors.scope, factors.scope)),
        "source": str(source) or _("见因子集数据文件"),
    }


def _problem_text(problem: Problem | str) -> str:
    """A refusal of the dispatch core for the page: what to change, in the UI's language."""
    where = problem.where if isinstance(problem, Problem) else ""
    head = where.split(" line ")[0]
    line = where.split(" line ")[1] if " line " in where else ""
    if head.endswith("prices.csv") or head == "prices":
        return (
            _("电价文件第 %(line)s 行有误，请检查时间与电价两列") % {"line": line}
            if line
            else _("电价序列有误：须为等间隔、至少两行的 timestamp,price 文件")
        )
    if head.endswith("load.csv") or head == "load":
        return (
            _("负荷文件第 %(line)s 行有误，请检查时间与负荷两列") % {"line": line}
            if line
            else _("负荷序列有误：须与电价同一时间步、负荷不小于 0")
        )
    if head == "tariff":
        return _("所选分时电价不覆盖所选日期，请换用其他电价或上传电价文件")
    if head == "cap_mw":
        return _("下网功率上限无法满足：储能的功率或可用电量不足以把负荷压到该上限以下")
    if head.startswith("soc"):
        return _("初始 SOC 须在 SOC 下限与上限之间，且下限须小于上限")
    if head in ("eta_charge", "eta_discharge"):
        return _("充放电效率须大于 0 且不超过 1")
    if head in ("power_mw", "energy_mwh"):
        return _("该电站未登记额定功率或额定能量，请先完善电站参数")
    return _("输入有误，无法求解；请检查各项参数与上传文件")


def dispatch_error_messages(exc: EnergyInputError) -> list[str]:
    """The page's messages for a refused dispatch run (the English detail goes to the log)."""
    logger.info("dispatch refused: %s", exc)
    texts: list[str] = []
    for problem in exc.problems:
        text = _problem_text(problem)
        if text not in texts:
            texts.append(text)
    return texts
