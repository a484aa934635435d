"""The statutory public holidays of a year, computed: the fallback beyond chinese-calendar's data.

《全国年节及纪念日放假办法》(国务院令第795号修订, 2024-11-10, in force 2025-01-01) 第二条 fixes the
holidays every citizen has (13 days):

- 元旦 1 day (1月1日);
- 春节 4 days (农历除夕、正月初一至初三);
- 清明节 1 day (农历清明当日 — the day of the 清明 solar term);
- 劳动节 2 days (5月1日、2日);
- 端午节 1 day (农历端午当日, the 5th of the 5th lunar month);
- 中秋节 1 day (农历中秋当日, the 15th of the 8th lunar month);
- 国庆节 3 days (10月1日至3日).

Which weekdays are moved (调休) and which weekend days are worked instead is decided year by year
by the State Council's notice (国务院办公厅关于安排节假日的通知), so a calendar built only from
these days stays *provisional* until that notice is known (entered as data,
:class:`countyworks.workflow.models.HolidayNotice`, or shipped by chinese-calendar).

Lunar dates and the solar term come from ``lunar-python`` (6tail's lunar library: 除夕 is the
day before 正月初一, so the 29th of a short 12th month is found; 清明 from its astronomical solar
term table). Names use chinese-calendar's English holiday names, so the fallback can be checked
against that package's own data for the years both know.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from lunar_python import Lunar

NEW_YEARS_DAY = "New Year's Day"
SPRING_FESTIVAL = "Spring Festival"
TOMB_SWEEPING_DAY = "Tomb-sweeping Day"
LABOUR_DAY = "Labour Day"
DRAGON_BOAT_FESTIVAL = "Dragon Boat Festival"
MID_AUTUMN_FESTIVAL = "Mid-autumn Festival"
NATIONAL_DAY = "National Day"

#: The Chinese names of the holidays (as the State Council's notices write them).
HOLIDAY_NAMES_ZH: dict[str, str] = {
    NEW_YEARS_DAY: "元旦",
    SPRING_FESTIVAL: "春节",
    TOMB_SWEEPING_DAY: "清明节",
    LABOUR_DAY: "劳动节",
    DRAGON_BOAT_FESTIVAL: "端午节",
    MID_AUTUMN_FESTIVAL: "中秋节",
    NATIONAL_DAY: "国庆节",
}


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@functools.lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays of ``year`` (2024 revision, 第二条): date → holiday name.

    >>> statutory_holidays(2026)[date(2026, 2, 16)]   # 除夕 of 乙巳年 (a 29-day 腊月)
    'Spring Festival'
    """
    first_moon = Lunar.fromYmd(year, 1, 1)
    new_year = _solar(first_moon)
    qingming = first_moon.getJieQiTable()["清明"]
    days: dict[date, str] = {date(year, 1, 1): NEW_YEARS_DAY}
    for offset in range(-1, 3):  # 除夕 and 正月初一至初三
        days[new_year + timedelta(days=offset)] = SPRING_FESTIVAL
    days[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = TOMB_SWEEPING_DAY
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = LABOUR_DAY
    days[_solar(Lunar.fromYmd(year, 5, 5))] = DRAGON_BOAT_FESTIVAL
    days[_solar(Lunar.fromYmd(year, 8, 15))] = MID_AUTUMN_FESTIVAL
    for day in (1, 2, 3):
        days[date(year, 10, day)] = NATIONAL_DAY  # 国庆 wins a day shared with 中秋 (2020-10-01)
    return days
