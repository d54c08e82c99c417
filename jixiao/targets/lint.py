"""Quality lint of performance target declarations (DOMAIN.md §4.4): T01–T18.

A pure module (DESIGN.md, Pure rules): standard library and `jixiao.indicators.values` only. It
takes a `Declaration` (jixiao.targets.declaration), the rulebook's "lint" and "catalogue"
sections and an optional `LintContext`, and returns every finding with a stable code, its
severity from the rulebook, the 0-based position of the indicator it points at (or None), a
Chinese message that quotes the text concerned and says what to fix, and an explanation that
cites the rule. T13, T15 and T17 need history or sibling projects; without that context they are
listed in `skipped`. Every threshold and word list comes from the rules (jixiao.targets.rules).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from jixiao.indicators.values import (
    MONEY_UNITS,
    Kind,
    Op,
    Placement,
    convert_number,
    is_cost,
    parse_target_value,
    place_indicator,
    same_unit,
)

from .declaration import (
    Declaration,
    IndicatorLine,
    LintContext,
    indicator_key,
    normalise_text,
    signature,
)

__all__ = ["CODES", "CONTEXT_CODES", "Finding", "LintResult", "Note", "lint"]

CODES = tuple(f"T{n:02d}" for n in range(1, 19))
#: Checks that need more than the declaration itself (DOMAIN.md §4.4, issue 3).
CONTEXT_CODES = ("T13", "T15", "T17")

_UP, _DOWN = (Op.GE, Op.GT), (Op.LE, Op.LT)


@dataclass(frozen=True)
class Finding:
    """One lint finding (DOMAIN.md §4.4); `indicator` is the 0-based row, or None."""

    code: str
    blocking: bool
    indicator: int | None
    message: str
    explanation: str = ""

    def to_data(self) -> dict:
        return {
            "code": self.code,
            "blocking": self.blocking,
            "indicator": self.indicator,
            "message": self.message,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Note:
    """A row whose category or subcategory could not be placed in the catalogue (§4.1)."""

    indicator: int
    message: str

    def to_data(self) -> dict:
        return {"code": "placement", "indicator": self.indicator, "message": self.message}


@dataclass(frozen=True)
class LintResult:
    """Findings ordered by code then indicator; `skipped`: checks that lacked context."""

    findings: tuple[Finding, ...]
    skipped: tuple[str, ...]
    notes: tuple[Note, ...] = ()

    @property
    def blocking(self) -> bool:
        """True when a finding prevents submission (DOMAIN.md §4.5)."""
        return any(f.blocking for f in self.findings)

    def to_data(self) -> dict:
        """The `jixiao lint --json` shape of CONTRACT.md (plus explanations and warnings)."""
        return {
            "findings": [f.to_data() for f in self.findings],
            "skipped": list(self.skipped),
            "warnings": [n.to_data() for n in self.notes],
        }


@dataclass(frozen=True)
class _View:
    """A declaration with each row placed in the catalogue, and the rules, for the checks."""

    declaration: Declaration
    rules: Mapping
    categories: Mapping
    placements: tuple[Placement, ...]

    @property
    def lines(self) -> tuple[IndicatorLine, ...]:
        return self.declaration.indicators

    def rows(self):
        return zip(range(len(self.lines)), self.lines, self.placements, strict=True)

    def finding(
        self,
        code: str,
        index: int | None,
        message: str,
        explanation: str,
        blocking: bool | None = None,
    ) -> Finding:
        if blocking is None:
            blocking = bool(self.rules[code]["blocking"])
        return Finding(code, blocking, index, message, f"DOMAIN.md §4.4 {code}：{explanation}")


def lint(
    declaration: Declaration,
    *,
    rules: Mapping,
    catalogue: Mapping,
    context: LintContext | None = None,
) -> LintResult:
    """Run T01–T18 (DOMAIN.md §4.4) on a declaration; never raises on any declaration.

    `rules` is the rulebook's "lint" section, `catalogue` its "catalogue" section (or the
    categories mapping alone). With `context` None, T13/T15/T17 are skipped; with a context,
    each of them is skipped when its own part of the context is None.
    """
    categories = catalogue.get("categories", catalogue)
    view = _View(declaration, rules, categories, _placements(declaration, categories))
    findings: list[Finding] = []
    for check in _CHECKS:
        findings += check(view)
    skipped = []
    for code, check, needs in _CONTEXT_CHECKS:
        if context is None or all(getattr(context, part) is None for part in needs):
            skipped.append(code)
        else:
            findings += check(view, context)
    findings.sort(key=lambda f: (f.code, -1 if f.indicator is None else f.indicator))
    return LintResult(tuple(findings), tuple(skipped), _notes(view))


def _placements(declaration: Declaration, categories: Mapping) -> tuple[Placement, ...]:
    key = tuple((c, tuple(subs)) for c, subs in categories.items())
    return tuple(
        line.placement or _place(line.category, line.subcategory, key)
        for line in declaration.indicators
    )


@lru_cache(maxsize=8192)
def _place(category: str, subcategory: str, key: tuple) -> Placement:
    return place_indicator(category, subcategory, dict(key))


def _notes(view: _View) -> tuple[Note, ...]:
    return tuple(
        Note(i, f"{_label(i, line)}：{'；'.join(p.problems)}")
        for i, line, p in view.rows()
        if p.problems
    )


# --------------------------------------------------------------------------- helpers


def _label(index: int, line: IndicatorLine) -> str:
    name = (line.name or "").strip()
    return f"第{index + 1}条指标“{name}”" if name else f"第{index + 1}条指标（未填名称）"


def _num(number: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros (1.50 → 1.5)."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _round(number: Decimal, places: str) -> Decimal:
    """`number` rounded half up to `places` ("0.1"), or as it is when too large to round."""
    try:
        return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return number


def _contains(text: str, words) -> str | None:
    """The first word of `words` found in `text` (both normalised), or None."""
    norm = normalise_text(text)
    return next((w for w, n in _normalised(tuple(words)) if n and n in norm), None)


@lru_cache(maxsize=256)
def _normalised(words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """A rules word list with each word normalised once (lists are reused for every row)."""
    return tuple((w, normalise_text(w)) for w in words)


def _where(line: IndicatorLine) -> str:
    return "/".join(part for part in (line.category, line.subcategory) if part) or "未填分类"


def _unplaced_hint(view: _View) -> str:
    rows = [str(i + 1) for i, _line, p in view.rows() if p.category is None]
    return f"（另有第{'、'.join(rows)}条指标无法归入指标体系，未计入）" if rows else ""


def _is_blank(text: str | None) -> bool:
    """Empty or a placeholder ("/", "—", "无"), as for target values (DOMAIN.md §4.2)."""
    return text is None or parse_target_value(text).kind == Kind.MISSING


# --------------------------------------------------------------------------- T01–T04


def check_no_indicators(view: _View) -> list[Finding]:
    """T01 no_indicators: the goal is not broken down into indicators (no indicator rows)."""
    if view.lines:
        return []
    msg = "年度总体目标未分解为绩效指标：请至少填写产出、效益和满意度指标。"
    return [view.finding("T01", None, msg, "目标未细化分解为绩效指标，申报表中没有指标行。")]


def check_missing_value(view: _View) -> list[Finding]:
    """T02 missing_value: an indicator has no target value, or only a placeholder (§4.2)."""
    found = []
    for i, line, _p in view.rows():
        if line.value.kind == Kind.MISSING:
            written = line.value.original.strip()
            shown = f"只填了占位符“{written}”" if written else "没有填写指标值"
            msg = f"{_label(i, line)}{shown}：请填写目标值，如“≥50个”“≥95%”或“12月底前完成”。"
            found.append(view.finding("T02", i, msg, "指标值为空或只有占位符（/、-、—）。"))
    return found


def check_unreadable_value(view: _View) -> list[Finding]:
    """T03 unreadable_value: a value with an operator or unit but no number, or a date that
    cannot be read (DOMAIN.md §4.2); the parser's problem is quoted. A deadline without a year
    ("12月底前") in a declaration without a year is not the row's fault, so not a finding."""
    found = []
    no_year = view.declaration.year is None
    for i, line, _p in view.rows():
        value = line.value
        if value.kind == Kind.DEADLINE and no_year:
            continue
        if value.kind != Kind.MISSING and value.problems:
            msg = (
                f"{_label(i, line)}的指标值无法读取：{'；'.join(value.problems)}。"
                "请写成“计算符号+数值+单位”，如“≥95%”“≤90万元”。"
            )
            found.append(view.finding("T03", i, msg, value.explain()))
    return found


def check_missing_unit(view: _View) -> list[Finding]:
    """T04 missing_unit: a quantitative value without a measure unit."""
    found = []
    for i, line, _p in view.rows():
        value = line.value
        if value.kind == Kind.QUANTITATIVE and not value.problems and not value.unit:
            msg = (
                f"{_label(i, line)}的指标值“{value.original.strip()}”没有度量单位："
                "请补上单位（如个、%、万元）。"
            )
            found.append(view.finding("T04", i, msg, "定量指标应写明度量单位。"))
    return found


# --------------------------------------------------------------------------- T05–T09


def _sub_key(line: IndicatorLine, placement: Placement) -> str:
    return placement.subcategory or normalise_text(line.subcategory)


def check_identical_across_subcategories(view: _View) -> list[Finding]:
    """T05: the same indicator under two subcategories: the same name, or, where names are
    missing, the same value (2021 summary: "数量、质量、时效和成本指标完全一致")."""
    found, seen = [], {}
    for i, line, p in view.rows():
        sub = _sub_key(line, p)
        name = normalise_text(line.name)
        if name:
            key = ("name", name)
        elif line.value.kind != Kind.MISSING:
            key = ("value", normalise_text(line.value.display()))
        else:
            continue
        earlier = seen.setdefault(key, [])
        other = next(
            (j for j in earlier if sub and _sub_key(*_row(view, j)) not in ("", sub)), None
        )
        earlier.append(i)
        if other is not None:
            found.append(
                view.finding(
                    "T05",
                    i,
                    _t05_message(view, i, other, key[0]),
                    "同一指标不应在不同二级指标下重复填写。",
                )
            )
    return found


def _row(view: _View, index: int) -> tuple[IndicatorLine, Placement]:
    return view.lines[index], view.placements[index]


def _t05_message(view: _View, i: int, j: int, by: str) -> str:
    line, first = view.lines[i], view.lines[j]
    here, there = _where(line), _where(first)
    if by == "name":
        return (
            f"{_label(i, line)}与第{j + 1}条指标同名，却分别填在“{there}”和“{here}”下："
            "数量、质量、时效、成本指标应各自衡量不同内容，请改写其中一条。"
        )
    return (
        f"第{i + 1}条指标未填名称，指标值“{line.value.original.strip()}”与第{j + 1}条指标"
        f"（“{there}”下）完全相同：请填写指标名称，并按“{here}”的含义设置目标值。"
    )


def check_missing_output_subcategory(view: _View) -> list[Finding]:
    """T06: one finding for each of 数量/质量/时效/成本 with no indicator; 数量 blocks, the
    others warn; 成本 follows the catalogue (a subcategory of 产出, or first-level in 2021)."""
    if not view.lines:
        return []  # T01 says it all
    rules = view.rules["T06"]
    names = {p.subcategory for p in view.placements} | {p.category for p in view.placements}
    found = []
    for required in rules["required"]:
        is_category = required in view.categories
        known = is_category or any(required in subs for subs in view.categories.values())
        if not known or required in names:
            continue
        blocking = required in rules["blocking_required"]
        msg = f"缺少{required}：请至少填写一条{required}。{_t06_hint(view, required, is_category)}"
        explanation = "产出指标应包括数量、质量、时效和成本指标（成本指标按所选指标体系归类）。"
        found.append(view.finding("T06", None, msg, explanation, blocking=blocking))
    return found


def _t06_hint(view: _View, required: str, is_category: bool) -> str:
    """Rows that look like `required` but are not placed there (a classic 产出/成本 row under
    the 2021 catalogue), else the rows that could not be placed at all."""
    core = required.removesuffix("指标")
    near = [
        str(i + 1)
        for i, line, p in view.rows()
        if core in normalise_text(line.subcategory) + normalise_text(line.category)
        and required not in (p.category, p.subcategory)
    ]
    if not near:
        return _unplaced_hint(view)
    first = view.lines[int(near[0]) - 1]
    where = f"第{'、'.join(near)}条指标填在“{_where(first)}”下，未能归入“{required}”"
    if is_category:
        subs = "、".join(view.categories[required])
        return f"{where}：本指标体系中“{required}”是一级指标，下设{subs}。"
    return f"{where}。"


def _missing_category(view: _View, code: str, explanation: str, advice: str) -> list[Finding]:
    category = view.rules[code]["category"]
    if not view.lines or any(p.category == category for p in view.placements):
        return []
    subs = "、".join(view.categories.get(category, ()))
    msg = f"缺少{category}：{advice.format(subs=subs or category)}{_unplaced_hint(view)}"
    return [view.finding(code, None, msg, explanation)]


def check_missing_benefit(view: _View) -> list[Finding]:
    """T07 missing_benefit: no 效益 indicator."""
    return _missing_category(
        view, "T07", "绩效目标应有效益指标。", "请至少填写一条效益指标（{subs}）。"
    )


def check_missing_satisfaction(view: _View) -> list[Finding]:
    """T08 missing_satisfaction: no 满意度 indicator, unless the project serves no public or
    client group (serves_public false)."""
    if view.declaration.serves_public is False:
        return []
    return _missing_category(
        view,
        "T08",
        "面向社会公众或服务对象的项目应有满意度指标。",
        "请填写{subs}；如项目不面向社会公众或服务对象，请注明（serves_public 为 false）。",
    )


def check_goal_empty(view: _View) -> list[Finding]:
    """T09 goal_empty: no annual goal text (年度总体目标)."""
    if not _is_blank(view.declaration.goal):
        return []
    msg = "未填写年度总体目标：请写明本年度要完成什么、达到什么效果。"
    return [view.finding("T09", None, msg, "年度总体目标为空或只有占位符。")]


# --------------------------------------------------------------------------- T10–T12


def check_vague_qualitative(view: _View) -> list[Finding]:
    """T10 vague_qualitative: wording with nothing to verify ("进一步提升" ...), boilerplate as
    the whole value ("效果明显", "达成预期指标", "有效", "良好"), or "100%" on an indicator whose
    name names no rate. Word lists: rules T10."""
    rules, found = view.rules["T10"], []
    boilerplate = {normalise_text(w) for w in rules["boilerplate"]}
    for i, line, _p in view.rows():
        message = _t10_message(i, line, rules, boilerplate)
        if message:
            found.append(view.finding("T10", i, *message))
    return found


def _t10_message(i: int, line: IndicatorLine, rules: Mapping, boilerplate: set):
    """(message, explanation) for the first T10 problem of a row, or None."""
    value, label = line.value, _label(i, line)
    if value.kind == Kind.QUALITATIVE:
        text = (value.text or value.original).strip()
        if normalise_text(text) in boilerplate:
            return (
                f"{label}的指标值只写了“{text}”，是套话："
                "请写明具体、可核验的目标（数量、标准或完成时间）。",
                "整个指标值只是套话，无法核验（规则库 T10 boilerplate）。",
            )
        word = _contains(text, rules["vague_words"])
        if word:
            return (
                f"{label}的指标值“{text}”含“{word}”，没有可核验的标准："
                "请写明提升到什么程度（具体数值或可检查的结果）。",
                f"“{word}”没有说明提升到什么程度（规则库 T10 vague_words）。",
            )
    full = Decimal(rules["full_percent"])
    if (
        value.kind == Kind.QUANTITATIVE
        and value.number == full
        and value.unit == "%"
        and not _contains(line.name, rules["rate_words"])
    ):
        return (
            f"{label}的指标值为“{value.original.strip()}”，但指标名称不是比率：请写明数量和单位，"
            "或把名称改为所衡量的比率（如“完成率”“覆盖率”）。",
            "“100%”只对比率有意义，指标名称中没有“率”“比例”等字样（规则库 T10 rate_words）。",
        )
    return None


def check_process_as_output(view: _View) -> list[Finding]:
    """T11 process_as_output: administrative process measures (预算执行率, 资金拨付及时率,
    制度健全性 ...) used as output or benefit indicators. Lists: rules T11."""
    rules, found = view.rules["T11"], []
    for i, line, p in view.rows():
        word = _contains(line.name, rules["process_words"])
        if word and p.category in rules["categories"]:
            msg = (
                f"{_label(i, line)}是预算执行和管理过程的指标（“{word}”），不宜作为{p.category}："
                "请改为项目本身的产出或效果；预算执行在自评时另行计分。"
            )
            found.append(view.finding("T11", i, msg, "管理过程指标不能代替项目的产出和效益。"))
    return found


def check_operator_contradiction(view: _View) -> list[Finding]:
    """T12 operator_contradiction: "≤" on a coverage or other higher-is-better rate, "≥" on a
    cost. Savings and less-is-better rates (事故发生率, 节约成本 ...) are exempt. Rules T12."""
    rules, found = view.rules["T12"], []
    for i, line, p in view.rows():
        value = line.value
        if value.kind != Kind.QUANTITATIVE or _contains(line.name, rules["exempt_words"]):
            continue
        rate = _contains(line.name, rules["rate_words"])
        if value.operator in _DOWN and rate:
            what, fix = f"是越高越好的比率（“{rate}”）", "“≥”"
        elif value.operator in _UP and _is_cost_line(line, p, rules):
            what, fix = "是成本指标，应设上限", "“≤”"
        else:
            continue
        implied = "（未写计算符号，按“≥”读取）" if value.operator_implied else ""
        msg = (
            f"{_label(i, line)}{what}，指标值却是“{value.display()}”{implied}："
            f"计算符号与指标含义矛盾，请改为{fix}。"
        )
        found.append(view.finding("T12", i, msg, "计算符号应与指标方向一致。"))
    return found


def _is_cost_line(line: IndicatorLine, placement: Placement, rules: Mapping) -> bool:
    return (
        is_cost(placement.category, placement.subcategory)
        or is_cost(line.category, line.subcategory)
        or bool(_contains(line.name, rules["cost_words"]))
    )


# --------------------------------------------------------------------------- T13–T15


def check_under_ambitious(view: _View, context: LintContext) -> list[Finding]:
    """T13 under_ambitious: a target below last year's actual for the same indicator of the
    same project ("≥" below it, or "≤" above it: looser than what was achieved)."""
    found = []
    for i, line, _p in view.rows():
        value = line.value
        actual = context.previous_actuals.get(indicator_key(line.name))
        if value.kind != Kind.QUANTITATIVE or value.number is None or actual is None:
            continue
        below = value.operator in _UP and value.number < actual
        above = value.operator in _DOWN and value.number > actual
        if below or above:
            shown = f"{_num(Decimal(actual))}{value.unit or ''}"
            how, fix = ("低于", "提高目标") if below else ("宽于", "收紧上限")
            msg = (
                f"{_label(i, line)}的目标值“{value.display()}”{how}上年实际完成值{shown}："
                f"目标不应比已达到的水平更宽松，请{fix}或在指标解释中说明原因。"
            )
            explanation = f"上年实际 {shown}，本年目标 {value.display()}。"
            found.append(view.finding("T13", i, msg, explanation))
    return found


def check_weights_invalid(view: _View) -> list[Finding]:
    """T14 weights_invalid: weights given but not adding up to the rulebook's category totals
    (§6.2: outputs 50, benefits 30, satisfaction 10, execution 10 apart; with no satisfaction
    indicator its points go to outputs). No weights at all is not a finding."""
    if all(line.weight is None for line in view.lines):
        return []
    rules = view.rules["T14"]
    expected = {c: Decimal(v) for c, v in rules["totals"].items()}
    sums: dict[str, Decimal] = {}
    missing: dict[str, int] = {}
    for line, p in zip(view.lines, view.placements, strict=True):
        group = rules["share"].get(p.category, p.category)
        if group in expected:
            sums[group] = sums.get(group, Decimal(0)) + (line.weight or 0)
            missing[group] = missing.get(group, 0) + (line.weight is None)
    satisfaction, receiver = rules["satisfaction_category"], rules["no_satisfaction_to"]
    moved = satisfaction not in sums and receiver in expected
    if moved:
        expected[receiver] += expected.pop(satisfaction, Decimal(0))
    tolerance = Decimal(rules["tolerance"])
    return [
        _t14_finding(
            view, group, total, expected[group], missing[group], moved and group == receiver
        )
        for group, total in sums.items()
        if abs(total - expected[group]) > tolerance
    ]


def _t14_finding(view, group: str, total: Decimal, expected: Decimal, missing: int, moved: bool):
    note = f"（其中{missing}条指标未填分值）" if missing else ""
    why = f"（没有满意度指标，其分值计入{group}）" if moved else ""
    msg = f"{group}分值合计{_num(total)}分{note}，应为{_num(expected)}分{why}：请调整各指标分值。"
    execution = view.rules["T14"]["execution"]
    explanation = (
        f"{group}各指标分值之和 {_num(total)} ≠ {_num(expected)}；"
        f"预算执行率另占{execution}分，不是指标（DOMAIN.md §6.2）。"
    )
    return view.finding("T14", None, msg, explanation)


def check_copied_target(view: _View, context: LintContext) -> list[Finding]:
    """T15 copied_target: the indicator set (names and values) identical to another project's,
    or to this project's last year with no change in values."""
    own = signature(view.declaration)
    if not own.items:
        return []
    found = []
    twins = [s.label or "另一项目" for s in context.siblings or () if s.items == own.items]
    if twins:
        names = "、".join(f"“{name}”" for name in twins[:3]) + ("等" if len(twins) > 3 else "")
        msg = f"绩效指标与{names}的完全相同（指标名称和指标值均一致）：请按本项目的内容设置指标。"
        found.append(view.finding("T15", None, msg, "指标照抄其他项目。"))
    last = context.last_year
    if last is not None and signature(last).items == own.items:
        msg = (
            "绩效指标与上年度申报的完全相同，指标值没有任何变化："
            "请根据本年度任务和上年完成情况调整目标值。"
        )
        found.append(view.finding("T15", None, msg, "指标照抄上年。"))
    return found


# --------------------------------------------------------------------------- T16–T18


def check_amount_mismatch(view: _View) -> list[Finding]:
    """T16 amount_mismatch: the amounts by funding source do not add up to the total."""
    amounts = view.declaration.amounts
    if amounts.total is None or all(s is None for s in amounts.sources):
        return []
    parts = [s or Decimal(0) for s in amounts.sources]
    total = sum(parts, Decimal(0))
    if abs(total - amounts.total) <= Decimal(view.rules["T16"]["tolerance"]):
        return []
    current, carryover, other = (_num(p) for p in parts)
    msg = (
        f"资金来源合计{_num(total)}万元（当年财政拨款{current} + 上年结转资金{carryover} + "
        f"其他资金{other}），与资金总额{_num(amounts.total)}万元不一致：请核对各项金额。"
    )
    explanation = f"{current} + {carryover} + {other} = {_num(total)} ≠ {_num(amounts.total)}"
    return [view.finding("T16", None, msg, explanation)]


def check_child_not_linked(view: _View, context: LintContext) -> list[Finding]:
    """T17 child_not_linked: a level-2 project's output/benefit indicator that supports no
    indicator of its level-1 project: neither its stated `parent_indicator` is one of them, nor
    does its name share a specific word (rules T17: generic words removed) with any of them."""
    parent = context.parent
    rules = view.rules["T17"]
    if not parent.indicators:
        return []
    size, generic = int(rules["min_shared_chars"]), rules["generic_words"]
    parent_names = {normalise_text(line.name) for line in parent.indicators}
    parent_grams = set().union(*(_grams(line.name, generic, size) for line in parent.indicators))
    title = f"上级项目“{parent.project_name}”" if parent.project_name else "一级项目"
    found = []
    for i, line, p in view.rows():
        if p.category not in rules["categories"]:
            continue
        if line.parent_indicator:
            if normalise_text(line.parent_indicator) in parent_names:
                continue
            why = f"所关联的“{line.parent_indicator}”不是{title}的指标"
        elif _grams(line.name, generic, size) & parent_grams:
            continue
        else:
            why = f"与{title}的任何指标都对应不上"
        msg = (
            f"{_label(i, line)}{why}：二级项目的指标应支撑一级项目的指标，"
            "请调整指标或注明所支撑的上级指标。"
        )
        found.append(view.finding("T17", i, msg, "二级项目指标应与一级项目指标关联。"))
    return found


def _grams(name: str, generic, size: int) -> set[str]:
    """Runs of `size` characters of a name without its generic words (T17's "specific word")."""
    text = normalise_text(name)
    for _word, norm in _longest_first(tuple(generic)):
        text = text.replace(norm, "|")
    return {part[k : k + size] for part in text.split("|") for k in range(len(part) - size + 1)}


@lru_cache(maxsize=64)
def _longest_first(words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((w, n) for w, n in _normalised(words) if n), key=lambda p: -len(p[1])))


def check_cost_quantity_mismatch(view: _View) -> list[Finding]:
    """T18 cost_quantity_mismatch: a unit cost (元/人, 万元/个, 元/亩 ...) times the matching
    quantity (the row whose unit is the cost's "per" unit) differs from the project's amount by
    more than the rules' tolerance (20%)."""
    amount = _project_amount(view.declaration)
    rules = view.rules["T18"]
    if amount is None or amount <= 0:
        return []
    found = []
    for i, line in enumerate(view.lines):
        per = _unit_cost_parts(line)
        j = _matching_quantity(view, i, per[1]) if per else None
        if j is None:
            continue
        product = line.value.number * view.lines[j].value.number
        product = convert_number(product, per[0], rules["money_unit"])
        if product is None:
            continue
        gap = abs(product - amount) / amount
        if gap > Decimal(rules["tolerance"]):
            found.append(_t18_finding(view, i, j, product, amount, gap))
    return found


def _project_amount(declaration: Declaration) -> Decimal | None:
    amounts = declaration.amounts
    if amounts.total is not None:
        return amounts.total
    given = [s for s in amounts.sources if s is not None]
    return sum(given, Decimal(0)) if given else None


def _unit_cost_parts(line: IndicatorLine) -> tuple[str, str] | None:
    """('元', '人') for a readable quantitative value in 元/人; None otherwise."""
    value = line.value
    if value.kind != Kind.QUANTITATIVE or not value.number or not value.unit:
        return None
    head, slash, per = value.unit.partition("/")
    return (head, per) if slash and per and head in MONEY_UNITS else None


def _matching_quantity(view: _View, cost_index: int, per: str) -> int | None:
    """The quantity row for a unit cost: the only one in its unit, else the one whose name
    shares most with the cost's name; None when none or no clear choice."""
    candidates = [
        j
        for j, line in enumerate(view.lines)
        if j != cost_index
        and line.value.kind == Kind.QUANTITATIVE
        and line.value.number
        and line.value.number > 0
        and same_unit(line.value.unit, per)
    ]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    name = view.lines[cost_index].name
    scored = sorted(
        ((len(_grams(name, (), 2) & _grams(view.lines[j].name, (), 2)), j) for j in candidates),
        reverse=True,
    )
    best, second = scored[0], scored[1]
    return best[1] if best[0] > second[0] else None


def _t18_finding(view: _View, i: int, j: int, product: Decimal, amount: Decimal, gap: Decimal):
    cost, qty = view.lines[i], view.lines[j]
    unit = view.rules["T18"]["money_unit"]
    pct = _num(_round(gap * 100, "0.1"))
    limit = _num(Decimal(view.rules["T18"]["tolerance"]) * 100)
    shown = _num(_round(product, "0.0001"))
    msg = (
        f"{_label(i, cost)}“{cost.value.display()}”× 第{j + 1}条指标“{qty.name}”"
        f"“{qty.value.display()}”= {shown}{unit}，与项目资金{_num(amount)}{unit}相差{pct}%，"
        f"超过{limit}%：请核对单位成本、数量或项目资金。"
    )
    explanation = (
        f"{_num(cost.value.number)} × {_num(qty.value.number)} = {shown}{unit}；"
        f"|{shown} − {_num(amount)}| / {_num(amount)} = {pct}% > {limit}%"
    )
    return view.finding("T18", i, msg, explanation)


_CHECKS: tuple[Callable[[_View], list[Finding]], ...] = (
    check_no_indicators,
    check_missing_value,
    check_unreadable_value,
    check_missing_unit,
    check_identical_across_subcategories,
    check_missing_output_subcategory,
    check_missing_benefit,
    check_missing_satisfaction,
    check_goal_empty,
    check_vague_qualitative,
    check_process_as_output,
    check_operator_contradiction,
    check_weights_invalid,
    check_amount_mismatch,
    check_cost_quantity_mismatch,
)

_CONTEXT_CHECKS = (
    ("T13", check_under_ambitious, ("previous_actuals",)),
    ("T15", check_copied_target, ("siblings", "last_year")),
    ("T17", check_child_not_linked, ("parent",)),
)
