"""The monitoring stage's rulebook section "monitoring" (DOMAIN.md §5, alternatives of §10).

Every threshold, checkpoint and method that `jixiao.monitoring.alerts` uses lives here, once;
regions change them through the rulebook (DESIGN.md, Pure rules). Decimals are strings ("0.10"),
rates are fractions of 1. M02, M03 and the disposal deadline follow one province's published
rules; the other values are Jixiao's defaults (DOMAIN.md §5).

`time_progress` is "days" (day of the year of the period end / days in that year) or "months"
(month / 12, 序时进度). The working-day calendar holds China's public holidays and make-up
working days (调休) of 2020–2023 as the State Council announced them:

- 2020: 国务院办公厅关于2020年部分节假日安排的通知 (2019-11-21), with the Spring Festival
  extended to 2 February by 国务院办公厅关于延长2020年春节假期的通知 (2020-01-27), which also
  cancelled the make-up working day of Saturday 1 February;
- 2021: 国务院办公厅关于2021年部分节假日安排的通知 (2020-11-25);
- 2022: 国务院办公厅关于2022年部分节假日安排的通知 (2021-10-25);
- 2023: 国务院办公厅关于2023年部分节假日安排的通知 (2022-12-08; 元旦 from 2022-12-31).

A later year's arrangement is added through a region's (or province's) rulebook for that year.
"""

from datetime import date, timedelta

from jixiao.core.rulebook import register_defaults

__all__ = ["HOLIDAYS", "MONITORING_DEFAULTS", "WORKDAYS"]


def _days(*spans: str) -> list[str]:
    """ISO dates from "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" (inclusive) spans."""
    out = []
    for span in spans:
        first, _, last = span.partition("..")
        day, end = date.fromisoformat(first), date.fromisoformat(last or first)
        while day <= end:
            out.append(day.isoformat())
            day += timedelta(days=1)
    return out


#: Days off by the State Council's notices (weekend days inside a holiday included).
HOLIDAYS = _days(
    # 2020: 元旦, 春节 (extended), 清明, 劳动节, 端午, 国庆·中秋
    "2020-01-01", "2020-01-24..2020-02-02", "2020-04-04..2020-04-06",
    "2020-05-01..2020-05-05", "2020-06-25..2020-06-27", "2020-10-01..2020-10-08",
    # 2021: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆
    "2021-01-01..2021-01-03", "2021-02-11..2021-02-17", "2021-04-03..2021-04-05",
    "2021-05-01..2021-05-05", "2021-06-12..2021-06-14", "2021-09-19..2021-09-21",
    "2021-10-01..2021-10-07",
    # 2022: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆
    "2022-01-01..2022-01-03", "2022-01-31..2022-02-06", "2022-04-03..2022-04-05",
    "2022-04-30..2022-05-04", "2022-06-03..2022-06-05", "2022-09-10..2022-09-12",
    "2022-10-01..2022-10-07",
    # 2023: 元旦 (from 2022-12-31), 春节, 清明, 劳动节, 端午, 中秋·国庆
    "2022-12-31..2023-01-02", "2023-01-21..2023-01-27", "2023-04-05",
    "2023-04-29..2023-05-03", "2023-06-22..2023-06-24", "2023-09-29..2023-10-06",
)  # fmt: skip

#: Saturdays and Sundays worked instead (调休上班).
WORKDAYS = _days(
    "2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10",
    "2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26",
    "2021-10-09",
    "2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08",
    "2022-10-09",
    "2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07",
    "2023-10-08",
)  # fmt: skip

MONITORING_DEFAULTS: dict = {
    # "days": day of year / days in the year (06-30 → 181/365); "months": month / 12 (§10).
    "time_progress": "days",
    # M01: time progress − execution rate, in fractions (0.10 = 10 points); ≥ each bound.
    "M01": {"yellow": "0.10", "red": "0.20"},
    # M02: execution strictly below the floor of the latest checkpoint (end of that month) on
    # or before the period end; none before the first one.
    "M02": {
        "level": "red",
        "checkpoints": [
            {"month": 4, "floor": "0.25"},
            {"month": 6, "floor": "0.40"},
            {"month": 8, "floor": "0.60"},
            {"month": 10, "floor": "0.80"},
        ],
    },
    # M03: execution rate − (progress so far ÷ target) strictly above `gap`, for these operators.
    "M03": {"level": "yellow", "gap": "0.10", "operators": [">=", "="]},
    # M04: red for these likelihoods; yellow for those with a cause or an expected shortfall.
    "M04": {"red": ["完全不可能"], "yellow": ["有可能"]},
    # M05: December strictly above `december_share` of the year's payments, or strictly above
    # `average_multiple` × the monthly average of January–November (11 months).
    "M05": {"level": "red", "december_share": "0.30", "average_multiple": "2"},
    # M06: executed strictly above the contract or progress amount.
    "M06": {"level": "red"},
    # M07: submitted after the deadline, or unsubmitted with the deadline passed.
    "M07": {"level": "yellow"},
    # An alert asks for a disposal within this many working days (then funds are suspended).
    "disposal": {"working_days": 10},
    "calendar": {"holidays": HOLIDAYS, "workdays": WORKDAYS},
}

register_defaults("monitoring", MONITORING_DEFAULTS)
