"""Alerts of in-year monitoring (DOMAIN.md §5): M01–M07.

A pure module (DESIGN.md, Pure rules): standard library and this app's pure modules only. It
takes a `MonitoringReport` (jixiao.monitoring.report_data), the rulebook's "monitoring" section
(jixiao.monitoring.rules) and the day of checking, and returns every alert with its code, level,
the 0-based position of the indicator it points at (or None), a Chinese message with the figures,
and an explanation giving the formula and the numbers used. Every threshold, checkpoint and the
time-progress method come from the rules; nothing here is a rule value.

Rates are compared as exact fractions (`fractions.Fraction` of the Decimal amounts), unrounded
(DOMAIN.md §5); they are rounded only to be shown.

Messages and explanations are `jixiao.core.rule_messages.Message`s: the Chinese text, with a code
and parameters (templates: `rule_messages.MESSAGES`) so that the web pages render them in the
user's language. The dataclass of one alert is `AlertFinding`; `monitoring.models.Alert` is
the stored alert that users see and dispose of.
"""

from calendar import monthrange  # the standard library's, not .calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache

from jixiao.core.rule_messages import Join, Message
from jixiao.indicators.values import Kind, Op

from .calendar import WorkingCalendar, add_working_days, calendar_from_rules
from .report_data import IndicatorReport, MonitoringReport

__all__ = [
    "CODES",
    "AlertFinding",
    "AlertResult",
    "AlertRules",
    "AlertWarning",
    "alerts",
    "disposal_deadline",
    "execution_rate",
    "time_progress",
]

CODES = ("M01", "M02", "M03", "M04", "M05", "M06", "M07")
LEVELS = ("yellow", "red")
_METHODS = ("days", "months")
_MONTHS_BEFORE_DECEMBER = 11  # January–November, the base of M05's monthly average


@dataclass(frozen=True)
class AlertFinding:
    """One alert as the rules find it (DOMAIN.md §5); `indicator` is the 0-based indicator row,
    or None. The stored alert is `monitoring.models.Alert`."""

    code: str
    level: str  # "yellow" | "red"
    message: str
    indicator: int | None = None
    explanation: str = ""

    def to_data(self) -> dict:
        return {"code": self.code, "level": self.level, "message": self.message,
                "indicator": self.indicator, "explanation": self.explanation}  # fmt: skip

    def texts_data(self) -> dict:
        """The message and the explanation as codes and parameters, to store beside the texts
        (`jixiao.core.rule_messages`); a text that is no Message is left out. Findings made of
        the same two message objects (a round's M07 of one day) share one document, so that
        it is built, and encoded when stored, once: treat it as read-only."""
        message, explanation = self.message, self.explanation
        key = (id(message), id(explanation))
        known = _TEXTS.get(key)
        # the cache holds both objects, so their ids are not reused while it holds them
        if known is not None and known[0] is message and known[1] is explanation:
            return known[2]
        texts = {"message": message, "explanation": explanation}
        data = {k: t.to_data() for k, t in texts.items() if isinstance(t, Message)}
        if len(_TEXTS) >= _TEXTS_HELD:
            _TEXTS.clear()
        _TEXTS[key] = (message, explanation, data)
        return data


#: `AlertFinding.texts_data` by the ids of its message and explanation (with both objects).
_TEXTS: dict[tuple[int, int], tuple] = {}
_TEXTS_HELD = 1024


@dataclass(frozen=True)
class AlertWarning:
    """Something that kept an alert from being judged (a missing budget, an unreadable value)."""

    code: str
    message: str
    indicator: int | None = None

    def to_data(self) -> dict:
        return {"code": self.code, "message": self.message, "indicator": self.indicator}


@dataclass(frozen=True)
class AlertResult:
    """Alerts ordered by code then indicator, the warnings, and the two rates (unrounded)."""

    alerts: tuple[AlertFinding, ...]
    warnings: tuple[AlertWarning, ...] = ()
    time_progress: Fraction | None = None
    execution_rate: Fraction | None = None

    @property
    def level(self) -> str | None:
        """The highest level among the alerts ("red", "yellow"), or None."""
        levels = {a.level for a in self.alerts}
        return next((lv for lv in reversed(LEVELS) if lv in levels), None)

    def to_data(self) -> dict:
        """The `jixiao alerts --json` shape of CONTRACT.md, plus warnings and the rates."""
        return {
            "alerts": [a.to_data() for a in self.alerts],
            "warnings": [w.to_data() for w in self.warnings],
            "time_progress": _rate_text(self.time_progress),
            "execution_rate": _rate_text(self.execution_rate),
        }


# --------------------------------------------------------------------------- the rules


def _fraction(section: Mapping, dotted: str) -> Fraction:
    node = section
    for part in dotted.split("."):
        node = node[part]
    try:
        return Fraction(str(node))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"规则库 monitoring.{dotted} 的值“{node}”不是数字") from None


@dataclass(frozen=True)
class AlertRules:
    """The "monitoring" section read once: thresholds as exact fractions (rules.py documents
    each value). Build it with `AlertRules.from_section` and reuse it over a round."""

    section: Mapping
    time_progress: str
    m01: tuple[Fraction, Fraction]  # (yellow, red) lag bounds
    checkpoints: tuple[tuple[int, Fraction], ...]  # (month, floor), by month
    m03_gap: Fraction
    m03_operators: frozenset[str]
    m04: tuple[frozenset[str], frozenset[str]]  # (red, yellow) likelihoods
    m05: tuple[Fraction, Fraction]  # (December share, multiple of the Jan–Nov average)
    levels: Mapping[str, str]
    disposal_days: int

    @classmethod
    def from_section(cls, section: Mapping) -> "AlertRules":
        """Read a "monitoring" section; ValueError (Chinese) for a value that cannot be used."""
        method = section["time_progress"]
        if method not in _METHODS:
            raise ValueError(f"规则库 monitoring.time_progress 应为 {' 或 '.join(_METHODS)}")
        checkpoints = sorted(
            (int(c["month"]), Fraction(str(c["floor"]))) for c in section["M02"]["checkpoints"]
        )
        return cls(
            section=section, time_progress=method,
            m01=(_fraction(section, "M01.yellow"), _fraction(section, "M01.red")),
            checkpoints=tuple(checkpoints),
            m03_gap=_fraction(section, "M03.gap"),
            m03_operators=frozenset(section["M03"]["operators"]),
            m04=(frozenset(section["M04"]["red"]), frozenset(section["M04"]["yellow"])),
            m05=(_fraction(section, "M05.december_share"),
                 _fraction(section, "M05.average_multiple")),
            levels={code: section[code]["level"] for code in ("M02", "M03", "M05", "M06", "M07")},
            disposal_days=int(section["disposal"]["working_days"]),
        )  # fmt: skip

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return calendar_from_rules(self.section)


def _as_rules(rules: "Mapping | AlertRules") -> AlertRules:
    return rules if isinstance(rules, AlertRules) else AlertRules.from_section(rules)


def disposal_deadline(raised_on: date, *, rules: "Mapping | AlertRules") -> date:
    """The last day for the unit's disposal of an alert raised on `raised_on` (DOMAIN.md §5:
    10 working days by default, counted on the rulebook's working-day calendar)."""
    rules = _as_rules(rules)
    return add_working_days(raised_on, rules.disposal_days, rules.calendar)


# --------------------------------------------------------------------------- the two rates


@lru_cache(maxsize=256)
def time_progress(period_end: date, method: str) -> tuple[Fraction, str]:
    """Time progress at the period end and how it was computed (DOMAIN.md §5); kept per date
    and method, since every report of a round has the same (a payment import judges thousands).

    "days": day of the year / days in that year (06-30 → 181/365, in 2020 182/366; 12-31 → 1);
    "months": month / 12 (序时进度).
    """
    if method == "months":
        share = Fraction(period_end.month, 12)
        return share, Message("alert.time.months", month=period_end.month, pct=_pct(share))
    day = period_end.timetuple().tm_yday
    days = date(period_end.year, 12, 31).timetuple().tm_yday
    share = Fraction(day, days)
    return share, Message("alert.time.days", day=day, days=days, pct=_pct(share))


def execution_rate(executed: Decimal, full_year: Decimal) -> Fraction:
    """Executed / full-year (adjusted) budget, exactly (DOMAIN.md §5)."""
    # one Fraction made of the two exact ratios, not three (a payment import judges 13,000)
    executed_n, executed_d = executed.as_integer_ratio()
    full_n, full_d = full_year.as_integer_ratio()
    return Fraction(executed_n * full_d, executed_d * full_n)


# --------------------------------------------------------------------------- alerts


@dataclass
class _Run:
    report: MonitoringReport
    rules: AlertRules
    today: date
    alerts: list
    warnings: list
    time: Fraction
    time_text: str
    #: the report's usable monthly payments (`_payments`), given by the runs that read them
    #: (a plain field: a cached property takes a lock at each of a payment import's 13,000 runs)
    payments: dict[int, Decimal] = field(default_factory=dict)
    rate: Fraction | None = None
    rate_text: str = ""
    rate_pct: str = ""  # the rate as M01–M03 show it, formatted once a run

    def alert(self, code, level, message, explanation, indicator=None) -> None:
        explanation = Message("alert.explanation", code=code, text=explanation)
        self.alerts.append(AlertFinding(code, level, message, indicator, explanation))

    def warn(self, code: str, message: str, indicator: int | None = None) -> None:
        self.warnings.append(AlertWarning(code, message, indicator))


def alerts(report: MonitoringReport, *, rules: "Mapping | AlertRules", today: date) -> AlertResult:
    """M01–M07 of a report (DOMAIN.md §5); never raises on any report.

    `rules` is the rulebook's "monitoring" section (or an `AlertRules` read from it); `today`
    is the day of checking, for M07's unsubmitted reports.
    """
    rules = _as_rules(rules)
    time, time_text = time_progress(report.period_end, rules.time_progress)
    run = _Run(report, rules, today, [], [], time, time_text, _payments(report))
    _execution(run)
    for check in (_m01, _m02, _m03, _m04, _m05, _m06, _m07):
        check(run)
    ordered = sorted(run.alerts, key=lambda a: (a.code, -1 if a.indicator is None else a.indicator))
    return AlertResult(tuple(ordered), tuple(run.warnings), time, run.rate)


def year_end_rush(report: MonitoringReport, *, rules: "Mapping | AlertRules") -> tuple:
    """M05 alone: what `alerts` finds of code M05 for a report, without judging the rest (the
    year's rush check belongs to no round; a payment import judges every project's year)."""
    run = _Run(report, _as_rules(rules), date.min, [], [], Fraction(0), "", _payments(report))
    _m05(run)
    return tuple(run.alerts)


def late_report(report: MonitoringReport, *, rules: "Mapping | AlertRules", today: date) -> tuple:
    """M07 alone: what `alerts` finds of code M07 for a report on `today`, without judging the
    rest (the daily tick looks at the lateness of every unsubmitted report of a province)."""
    run = _Run(report, _as_rules(rules), today, [], [], Fraction(0), "")
    _m07(run)
    return tuple(run.alerts)


def _money(value: Decimal | None) -> Decimal | None:
    """Amounts that can be used: finite decimals (anything else counts as not given)."""
    return value if isinstance(value, Decimal) and value.is_finite() else None


def _plain(amount: Decimal) -> str:
    """An amount in a message as people write it: "363.49", not the stored "363.490000" (a
    typed amount and the same amount read back gave "125" and "125.000000" before)."""
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _payments(report: MonitoringReport) -> dict[int, Decimal]:
    payments = report.payments or {}
    # what a payment import gives for each of tens of thousands of reports and projects:
    # months as ints 1–12 and finite Decimal amounts, checked a column at a time in C
    if (
        set(map(type, payments)) <= {int}
        and payments.keys() <= _MONTHS
        and set(map(type, payments.values())) <= {Decimal}
        and all(map(Decimal.is_finite, payments.values()))
    ):
        return dict(payments)
    return {m: a for m, a in payments.items()
            if isinstance(m, int) and 1 <= m <= 12 and _money(a) is not None}  # fmt: skip


_MONTHS = frozenset(range(1, 13))


def _executed(run: _Run) -> tuple[Decimal | None, str]:
    """The executed amount, typed or (DOMAIN.md §5) loaded from the monthly payments."""
    executed = _money(run.report.amounts.executed)
    if executed is not None:
        return executed, Message("alert.executed", amount=_plain(executed))
    month = run.report.period_end.month
    paid = [a for m, a in run.payments.items() if m <= month]
    if not paid:
        return None, ""
    total = sum(paid, Decimal(0))
    return total, Message("alert.executed_paid", amount=_plain(total), month=month)


def _execution(run: _Run) -> None:
    """The execution rate, or a warning saying why M01–M03 are not judged."""
    full_year = _money(run.report.amounts.full_year)
    if full_year is None:
        run.warn("no_budget", Message("alert.no_budget"))
        return
    if full_year <= 0:
        run.warn("no_budget", Message("alert.zero_budget", amount=_plain(full_year)))
        return
    executed, text = _executed(run)
    if executed is None:
        run.warn("no_execution", Message("alert.no_execution"))
        return
    run.rate = execution_rate(executed, full_year)
    run.rate_pct = _pct(run.rate)
    run.rate_text = Message("alert.rate", executed=text, budget=_plain(full_year),
                            rate=run.rate_pct)  # fmt: skip


def _m01(run: _Run) -> None:
    """M01 execution_lag: time progress − execution rate ≥ the yellow or red bound."""
    if run.rate is None:
        return
    lag = run.time - run.rate
    yellow, red = run.rules.m01
    if lag >= red:
        level, bound = "red", red
    elif lag >= yellow:
        level, bound = "yellow", yellow
    else:
        return
    when = _date_text(run.report.period_end)
    message = Message("alert.M01", when=when, rate=run.rate_pct, time=_pct(run.time),
                      lag=_points(lag))  # fmt: skip
    explanation = Message("alert.M01.why", time=run.time_text, rate=run.rate_text,
                          lag=_points(lag), bound=_points(bound, exact=True))  # fmt: skip
    run.alert("M01", level, message, explanation)


def _m02(run: _Run) -> None:
    """M02 checkpoint_floor: execution strictly below the latest checkpoint's floor."""
    if run.rate is None:
        return
    end = run.report.period_end
    passed = [(m, floor) for m, floor in run.rules.checkpoints
              if 1 <= m <= 12 and _month_end(end.year, m) <= end]  # fmt: skip
    if not passed:
        return
    month, floor = passed[-1]
    if run.rate >= floor:
        return
    checkpoint = _date_text(_month_end(end.year, month))
    message = Message("alert.M02", rate=run.rate_pct, month=month,
                      floor=_pct(floor, exact=True), end=_date_text(end))  # fmt: skip
    explanation = Message("alert.M02.why", end=_date_text(end), checkpoint=checkpoint,
                          floor=_pct(floor, exact=True), rate=run.rate_text)  # fmt: skip
    run.alert("M02", run.rules.levels["M02"], message, explanation)


def _m03(run: _Run) -> None:
    """M03 dual_gap: execution rate − target progress > gap, per quantitative ≥/= indicator."""
    if run.rate is None:
        return
    for index, line in enumerate(run.report.indicators):
        if line.target.kind != Kind.QUANTITATIVE or line.target.operator not in (
                run.rules.m03_operators):  # fmt: skip
            continue
        progress = _target_progress(run, index, line)
        if progress is None:
            continue
        share, shown = progress
        gap = run.rate - share
        if gap <= run.rules.m03_gap:
            continue
        message = Message("alert.M03", rate=run.rate_pct, name=line.name,
                          progress=_pct(share), gap=_points(gap))  # fmt: skip
        explanation = Message("alert.M03.why", rate=run.rate_text, shown=shown,
                              progress=_pct(share), gap=_points(gap),
                              bound=_points(run.rules.m03_gap, exact=True))  # fmt: skip
        run.alert("M03", run.rules.levels["M03"], message, explanation, index)


def _target_progress(run: _Run, index: int, line: IndicatorReport):
    """(progress so far ÷ target, the division shown), or None with a warning."""
    target, progress = line.target, line.progress
    label = Message("alert.label", n=index + 1, name=line.name)
    if target.number is None or not target.ok or target.number == 0:
        message = Message("alert.no_denominator", label=label, value=target.original)
        run.warn("no_progress", message, index)
        return None
    if progress is None or not progress.ok or progress.number is None:
        reason: str
        if progress is None:
            reason = Message("alert.no_progress")
        elif progress.problems:
            reason = Join(progress.problems, "clauses")
        else:
            reason = Message("alert.unreadable_progress", value=progress.original)
        run.warn("no_progress", Message("alert.progress_not_judged", label=label, reason=reason),
                 index)  # fmt: skip
        return None
    share = Fraction(progress.number) / Fraction(target.number)
    unit = target.unit or ""
    return share, Message("alert.M03.division", done=f"{progress.number:f}", unit=unit,
                          target=f"{target.number:f}")  # fmt: skip


def _m04(run: _Run) -> None:
    """M04 target_at_risk: red for 完全不可能; yellow for 有可能 with a cause or a shortfall."""
    red, yellow = run.rules.m04
    for index, line in enumerate(run.report.indicators):
        label = Message("alert.M04.label", name=line.name, target=line.target.display())
        likely = line.likelihood
        if likely in red:
            message = Message("alert.M04", label=label, likelihood=likely)
            run.alert("M04", "red", message, Message("alert.M04.why", likelihood=likely), index)
        elif likely in yellow:
            reasons = _risk_reasons(line)
            if reasons:
                message = Message("alert.M04.reasons", label=label, likelihood=likely,
                                  reasons=Join(reasons, "clauses"))  # fmt: skip
                explanation = Message("alert.M04.reasons.why", likelihood=likely,
                                      reasons=Join(reasons))  # fmt: skip
                run.alert("M04", "yellow", message, explanation, index)


def _risk_reasons(line: IndicatorReport) -> list[str]:
    reasons: list[str] = []
    if line.causes:
        reasons.append(Message("alert.M04.causes", causes=Join(line.causes)))
    if line.expected is not None and _falls_short(line):
        reasons.append(Message("alert.M04.short", expected=line.expected.original))
    return reasons


_SHORT = {
    Op.GE: lambda e, t: e < t, Op.GT: lambda e, t: e <= t, Op.EQ: lambda e, t: e < t,
    Op.LE: lambda e, t: e > t, Op.LT: lambda e, t: e >= t,
}  # fmt: skip


def _falls_short(line: IndicatorReport) -> bool:
    """True when the expected full-year value misses the target (below a ≥/>/= target, above
    a ≤/< one, a deadline not met); False when it cannot be compared."""
    target, expected = line.target, line.expected
    if expected is None or not expected.ok or not target.ok:
        return False
    if target.kind == Kind.DEADLINE:
        return expected.on_time is False
    if target.kind != Kind.QUANTITATIVE or expected.number is None or target.number is None:
        return False
    short = _SHORT.get(target.operator) if target.operator is not None else None
    return bool(short and short(expected.number, target.number))


def _m05(run: _Run) -> None:
    """M05 year_end_rush: December above a share of the year, or above a multiple of the
    January–November monthly average; not judged without payments."""
    payments = run.payments
    december = payments.get(12, Decimal(0))
    if not payments or december <= 0:
        return
    share_bound, multiple = run.rules.m05
    total = sum(payments.values(), Decimal(0))
    by_share, by_average = _rush_tests(december, total, run.rules)
    if not (by_share or by_average):
        return
    before = total - december
    # the share, the average and December's multiple of it made of the amounts' integer
    # ratios (the same fractions as dividing `Fraction`s of the Decimals, at a third the cost)
    dec_n, dec_d = december.as_integer_ratio()
    tot_n, tot_d = total.as_integer_ratio()
    bef_n, bef_d = before.as_integer_ratio()
    average = Fraction(bef_n, bef_d * _MONTHS_BEFORE_DECEMBER)
    share = Fraction(dec_n * tot_d, dec_d * tot_n) if total > 0 else None
    shown = _plain(december)
    found = []
    if by_share:
        found.append(Message("alert.M05.share", december=shown, total=_plain(total),
                             share=_pct(share), bound=_pct(share_bound, exact=True)))  # fmt: skip
    if by_average:
        times = "—" if bef_n <= 0 else _fixed(
            Fraction(dec_n * bef_d * _MONTHS_BEFORE_DECEMBER, dec_d * bef_n), 2)  # fmt: skip
        found.append(Message("alert.M05.average", before=_plain(before),
                             months=_MONTHS_BEFORE_DECEMBER, average=_amount(average),
                             december=shown, times=times,
                             multiple=_exact_fixed(multiple)))  # fmt: skip
    share_text = Message("alert.M05.of_year", share=_pct(share)) if share is not None else ""
    message = Message("alert.M05", december=shown, share=share_text)
    run.alert("M05", run.rules.levels["M05"], message, Join(found, "clauses"))


def _rush_tests(december: Decimal, total: Decimal, rules: AlertRules) -> tuple[bool, bool]:
    """M05's two tests: (December above its share of the year, above the multiple of the
    January–November monthly average)."""
    share_bound, multiple = rules.m05
    if december <= 0:
        return False, False
    # december / total > bound and december > multiple × (total − december) / 11, compared
    # exactly in integers (a payment import tests every project's year)
    dec_n, dec_d = december.as_integer_ratio()
    tot_n, tot_d = total.as_integer_ratio()
    bef_n, bef_d = (total - december).as_integer_ratio()
    by_share = total > 0 and (
        dec_n * tot_d * share_bound.denominator > share_bound.numerator * tot_n * dec_d
    )
    by_average = (
        dec_n * bef_d * multiple.denominator * _MONTHS_BEFORE_DECEMBER
        > multiple.numerator * bef_n * dec_d
    )
    return by_share, by_average


def is_year_end_rush(december: Decimal, total: Decimal, *, rules: "Mapping | AlertRules") -> bool:
    """M05 on a project's year totals alone (the work summary counts 突击拨款 this way):
    December's payments against the year's payments."""
    return any(_rush_tests(december, total, _as_rules(rules)))


def _m06(run: _Run) -> None:
    """M06 overpayment: executed strictly above the contract or progress amount."""
    contract = _money(run.report.amounts.contract)
    executed, text = _executed(run)
    if contract is None or executed is None or executed <= contract:
        return
    over = executed - contract
    message = Message("alert.M06", executed=_plain(executed), contract=_plain(contract),
                      over=_plain(over))  # fmt: skip
    explanation = Message("alert.M06.why", executed=text, contract=_plain(contract),
                          over=_plain(over))  # fmt: skip
    run.alert("M06", run.rules.levels["M06"], message, explanation)


def _m07(run: _Run) -> None:
    """M07 late_report: submitted after the deadline, or unsubmitted past it as of today."""
    deadline, submitted = run.report.deadline, run.report.submitted_at
    if deadline is None or (submitted or run.today) <= deadline:
        return  # on time, or not yet due
    message, explanation = _m07_texts(deadline, submitted, run.today)
    # the explanation comes wrapped (`_Run.alert`) from the cache: one object for every report
    # of a round late on the same day, whose stored texts are then built once
    run.alerts.append(AlertFinding("M07", run.rules.levels["M07"], message, None, explanation))


@lru_cache(maxsize=1024)
def _m07_texts(deadline: date, submitted: date | None, today: date) -> tuple[Message, Message]:
    """M07's message and explanation, made once for each deadline and day (every unsubmitted
    report of a round has the same ones, and a payment import judges them all)."""
    due = _date_text(deadline)
    if submitted is not None:
        days = (submitted - deadline).days
        message = Message("alert.M07.late", due=due, day=_date_text(submitted), days=days)
    else:
        days = (today - deadline).days
        message = Message("alert.M07.missing", due=due, day=_date_text(today), days=days)
    if submitted:
        filed = Message("alert.M07.filed", day=_date_text(submitted))
    else:
        filed = Message("alert.M07.not_filed", day=_date_text(today))
    why = Message("alert.M07.why", due=due, filed=filed)
    return message, Message("alert.explanation", code="M07", text=why)  # as `_Run.alert` wraps


# --------------------------------------------------------------------------- showing numbers


def _round_half_up(value: Fraction, places: int, times: int = 1) -> int:
    """`value` × `times` × 10^places rounded half away from zero, as an integer (exact): in
    integers, since a payment import formats tens of thousands of these."""
    # one call for both terms (Fraction's properties and its ABC's isinstance cost more than
    # the arithmetic): exact for a Fraction, an int, a Decimal or a float alike
    ratio = getattr(value, "as_integer_ratio", None)
    numerator, denominator = ratio() if ratio else Fraction(value).as_integer_ratio()  # d > 0
    scaled = abs(numerator) * times * 10**places
    whole = (2 * scaled + denominator) // (2 * denominator)
    return -whole if numerator < 0 else whole


def _fixed(value: Fraction, places: int, times: int = 1) -> str:
    """`value` × `times` with `places` decimals, rounded half away from zero."""
    n = _round_half_up(value, places, times)
    sign, digits = ("-" if n < 0 else ""), str(abs(n)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(value: Fraction | None, exact: bool = False) -> str:
    """A fraction as a percentage with 2 decimals (thresholds without trailing zeros)."""
    if value is None:
        return "—"
    if exact:
        return f"{_exact_fixed(value, 100)}%"
    return f"{_fixed(value, 2, times=100)}%"


def _points(value: Fraction, exact: bool = False) -> str:
    """A difference of rates in percentage points ("19.59"), thresholds as written ("10")."""
    return _exact_fixed(value, 100) if exact else _fixed(value, 2, times=100)


@lru_cache(maxsize=256)
def _exact_fixed(value: Fraction, times: int = 1) -> str:
    """A threshold × `times` with 2 decimals, without trailing zeros: made once for each
    (the rulebook's few, which every report judged shows)."""
    return _trim(_fixed(value, 2, times))


def _amount(value: Fraction) -> str:
    return _fixed(value, 2)


def _times(value: Fraction, base: Fraction) -> str:
    return "—" if base <= 0 else _fixed(value / base, 2)


def _rate_text(value: Fraction | None) -> str | None:
    """A rate as CONTRACT.md carries it: a fraction with four decimals ("0.4959")."""
    return None if value is None else _fixed(value, 4)


@lru_cache(maxsize=4096)
def _date_text(day: date) -> str:
    """A day as text (a `Message`, made once per day: a round's reports share their dates)."""
    return Message("alert.date", y=day.year, m=day.month, d=day.day)


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])
