"""Adapters between stored targets and the pure rules (the DB ↔ pure glue): parse indicator
rows with the value parser, build the lint's `Declaration` and `LintContext` from the database,
and run the lint with the region's rulebook (DESIGN.md: pure rules, thin shell)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from jixiao.budgets.models import Project
from jixiao.core.compiled import KeyedQuery
from jixiao.core.numbers import decimal_places, typed_decimal
from jixiao.core.rule_messages import Message
from jixiao.core.rulebook import rules_for
from jixiao.indicators.selectors import LIBRARY_COLUMNS, library_rows
from jixiao.indicators.values import parse_target_value

from . import history
from .declaration import (
    Amounts,
    Declaration,
    IndicatorLine,
    LintContext,
    Signature,
    signature,
    signature_of_lines,
)
from .lint import LintResult, lint
from .models import Basis, Indicator, Target, TargetStatus

MAX_INDICATORS = 100


def rules_of(target: Target) -> tuple[Mapping, Mapping]:
    """The lint's and the catalogue's sections for the target's region and year, read-only
    and the same objects for every target of one rulebook version (`Rules.frozen_section`),
    so the lint's caches of row facts and answers serve the next save too."""
    rules = rules_for(target.region.lineage_codes, target.year)
    return rules.frozen_section("lint"), rules.frozen_section("catalogue")


def _decimal(value, label: str, position: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        # typed text as people type it (full-width digits); a number from a file as it is
        number = typed_decimal(value) if isinstance(value, str) else Decimal(str(value).strip())
    except (ValueError, InvalidOperation):
        raise ValidationError(
            _("第 %(n)s 行指标的%(f)s“%(v)s”不是数字。")
            % {"n": position + 1, "f": label, "v": value}
        ) from None
    if number is None:
        return None
    if not number.is_finite() or number < 0 or number >= 1000:
        raise ValidationError(
            _("第 %(n)s 行指标的%(f)s须在 0 到 1000 之间。") % {"n": position + 1, "f": label}
        )
    if isinstance(value, str) and decimal_places(number) > 2:
        # typed 9.999 was stored as 10.00 unseen; a file's float (100/3) is still rounded
        raise ValidationError(
            _("第 %(n)s 行指标的%(f)s最多 %(p)s 位小数。") % {"n": position + 1, "f": label, "p": 2}
        )
    return number.quantize(Decimal("0.01"))


def parse_rows(target: Target, rows: Sequence[Mapping]) -> list[dict]:
    """Indicator rows from a form, an import or the API as Indicator fields, with the value
    parsed (operator, number, deadline) and the original text kept beside it."""
    if len(rows) > MAX_INDICATORS:
        raise ValidationError(_("一个目标最多 %(n)s 个指标。") % {"n": MAX_INDICATORS})
    parsed = []
    for position, row in enumerate(rows):
        text = {
            k: str(row.get(k) or "").strip()
            for k in (
                "category",
                "subcategory",
                "name",
                "value_text",
                "unit",
                "explanation",
                "basis",
                "source",
            )
        }
        if not any(text[k] for k in ("category", "subcategory", "name", "value_text")):
            continue  # an empty grid row
        if text["basis"] and text["basis"] not in Basis.values:
            text["basis"] = Basis.OTHER
        value = parse_target_value(
            text["value_text"],
            category=text["category"],
            subcategory=text["subcategory"],
            year=target.year,
            unit=text["unit"] or None,
            name=text["name"],
        )
        parsed.append(
            {
                **{k: v[: _max_length(k)] for k, v in text.items()},
                "operator": str(value.operator or "")[:12],
                "number": value.number
                if value.number is not None and abs(value.number) < 10**17
                else None,
                "deadline": value.deadline,
                "weight": _decimal(row.get("weight"), _("分值"), position),
                "unit": text["unit"][:20] or (value.unit or "")[:20],
            }
        )
    return parsed


def _max_length(field: str) -> int:
    return Indicator._meta.get_field(field).max_length


def line_of(indicator: Indicator, year: int, incidents: Mapping | None = None) -> IndicatorLine:
    """The stored row as the lint reads it, its value read by its name with the region's words
    (`incidents`, the rulebook's lint → T02; None: the national ones)."""
    value = parse_target_value(
        indicator.value_text,
        category=indicator.category,
        subcategory=indicator.subcategory,
        year=year,
        unit=indicator.unit or None,
        name=indicator.name,
        incidents=incidents,
    )
    return IndicatorLine(
        category=indicator.category,
        subcategory=indicator.subcategory,
        name=indicator.name,
        value=value,
        weight=indicator.weight,
        unit=indicator.unit or None,
        explanation=indicator.explanation or None,
        basis=indicator.basis or None,
        source=indicator.source or None,
        parent_indicator=indicator.supports.name if indicator.supports_id else None,
    )


def declaration_of(
    target: Target, indicators: Sequence[Indicator] | None = None, incidents: Mapping | None = None
) -> Declaration:
    rows = (
        indicators
        if indicators is not None
        else list(target.indicators.select_related("supports").order_by("position"))
    )
    return Declaration(
        goal=target.goal or None,
        medium_term_goal=target.medium_term_goal or None,
        amounts=Amounts(
            total=target.amount_total,
            current=target.amount_current,
            carryover=target.amount_carryover,
            other=target.amount_other,
        ),
        indicators=tuple(line_of(i, target.year, incidents) for i in rows),
        serves_public=target.serves_public,
        year=target.year,
        project_name=target.project.name if target.project_id else None,
        is_unit_target=target.project_id is None,
    )


def _with_indicators(queryset):
    return queryset.select_related("project").prefetch_related(
        Prefetch(
            "indicators", queryset=Indicator.objects.select_related("supports").order_by("position")
        )
    )


def context_of(target: Target, declaration: Declaration | None = None) -> LintContext:
    """What T13, T15 and T17 need beyond the declaration (`declaration`: the target's as
    linted, by default as stored): the siblings of the same unit and year, last year's approved
    target and actuals of the same project, the level-1 project's target."""
    if target.project_id is None:
        return LintContext(siblings=[])
    project, declaration = target.project, declaration or declaration_of(target)
    if project.parent_id or had_project_last_year(project):
        # The level-1 project's target or last year's come in one query with the siblings.
        return project_context(project, declaration)
    # A project new this year (no last year's target or actuals to look for) without a
    # parent: the siblings' signatures alone, read as plain columns by compiled SQL.
    return project_context(
        project,
        declaration,
        unit_signatures=unit_signatures(project.unit_id, project.year),
        had_last_year=False,
    )


def _project_last_year_query(region_id, year, code, unit_id, name):
    return (
        Project.objects.filter(region_id=region_id, year=year)
        .filter(Q(code=code) | Q(unit_id=unit_id, name=name))
        .order_by()
        .values_list("pk")[:1]
    )


# Compiled once a process (core/compiled.py): asked on every target save and lint preview.
_PROJECT_LAST_YEAR = KeyedQuery(
    _project_last_year_query, 30001, 30002, "\x00code", 30003, "\x00name"
)


def had_project_last_year(project: Project) -> bool:
    """Whether the region has, the year before, a project that `history.same_project_last_year`
    could take for this one's (the same code, or the same unit and name): without one there
    is no last year's target or self-evaluation to read. A project without a code asks by
    code '' too, which may answer yes where the name alone would not: only a read saved less."""
    found = _PROJECT_LAST_YEAR.first(
        project.region_id, project.year - 1, project.code or "", project.unit_id, project.name
    )
    return found is not None


def project_context(
    project: Project,
    declaration: Declaration,
    *,
    unit_signatures: list | None = None,
    had_last_year: bool = True,
) -> LintContext:
    """The context of a declaration of `project` (its year's): T13 runs with last year's
    actuals once a provider is registered (`history`), even when there are none.
    `unit_signatures` (`unit_signatures(project.unit_id, project.year)`, kept by a caller that
    lints many of one unit's declarations) saves reading and parsing the unit's targets again
    for each one; `had_last_year=False` (the caller read the region's projects of the year
    before and none has this one's code, or its unit and name) saves looking for last year's
    target and actuals, which would find none."""
    actuals = history.previous_actuals(project, project.year, had_last_year=had_last_year)
    last, parent, others = _context_targets(
        project, with_siblings=unit_signatures is None, with_last_year=had_last_year
    )
    if unit_signatures is None:
        siblings = [signature(_declaration_of_prefetched(t), label=t.project.name) for t in others]
    else:
        siblings = [sig for project_id, sig in unit_signatures if project_id != project.pk]
    return LintContext(
        previous_actuals=None if actuals is None else history.in_target_units(actuals, declaration),
        siblings=siblings,
        last_year=_declaration_of_prefetched(last) if last else None,
        parent=_declaration_of_prefetched(parent) if parent else None,
    )


def _context_targets(
    project: Project, *, with_siblings: bool = True, with_last_year: bool = True
) -> tuple[Target | None, Target | None, list[Target]]:
    """Last year's approved target of the same project (`history.same_project_last_year`: by
    code first, else by unit and name), the level-1 project's current target and the current
    targets of the unit's other projects of the year, in one query with their indicators in a
    second (each was two or four queries of its own on every save and preview). The rows come
    in the model's order, so each pick is the row its own query's `first()` gave."""
    current = ~Q(status=TargetStatus.SUPERSEDED)
    last_year = Q(
        status=TargetStatus.APPROVED,
        project__region_id=project.region_id,
        project__year=project.year - 1,
    )
    same_name = Q(project__unit_id=project.unit_id, project__name=project.name)
    wanted = Q(pk__in=[])  # nothing, until a part below is asked for
    if with_last_year:
        wanted |= last_year & (
            Q(project__code=project.code) | same_name if project.code else same_name
        )
    if with_siblings:
        wanted |= current & Q(unit_id=project.unit_id, year=project.year, project__isnull=False)
    if project.parent_id:
        wanted |= current & Q(project_id=project.parent_id)
    if not (with_last_year or with_siblings or project.parent_id):
        return None, None, []
    rows = list(_with_indicators(Target.objects.filter(wanted)))

    def last_year_by(matches) -> Target | None:
        return next(
            (
                t
                for t in rows
                if t.status == TargetStatus.APPROVED
                and t.project.region_id == project.region_id
                and t.project.year == project.year - 1
                and matches(t.project)
            ),
            None,
        )

    last = last_year_by(lambda p: p.code == project.code) if project.code else None
    if last is None:
        last = last_year_by(lambda p: p.unit_id == project.unit_id and p.name == project.name)
    live = [t for t in rows if t.status != TargetStatus.SUPERSEDED]
    parent = None
    if project.parent_id:
        parent = next((t for t in live if t.project_id == project.parent_id), None)
    siblings = [
        t
        for t in live
        if t.unit_id == project.unit_id
        and t.year == project.year
        and t.project_id is not None
        and t.project_id != project.pk
    ]
    return last, parent, siblings


def unit_signatures(unit_id: int, year: int) -> list[tuple[int, Signature]]:
    """(project id, T15 signature) of each current target of the unit's projects of the year,
    in the model's order (the order `_context_targets` gives its siblings), in two queries
    (asked on every target save): the targets by SQL compiled once a process, then their rows
    by the targets' ids.

    The rows are not read by a join on the targets: a join's plan rests on the tables'
    statistics, and where PostgreSQL took them while the tables were nearly empty (a new
    deployment, or one transaction filling them, as the demo's build or a large import does)
    it walked every indicator against every target, seconds a save (measured: 3 s a save on
    the demo's 6,600 rows). A lookup by ids uses the index whatever the statistics say."""
    targets = _UNIT_TARGETS.all(unit_id, year, TargetStatus.SUPERSEDED.value)
    lines = _signature_lines([target[0] for target in targets])
    return _signatures(targets, lines, year).get(unit_id, [])


_SIGNATURE_COLUMNS = ("category", "subcategory", "name", "value_text", "unit")


def _signature_lines(target_ids: list[int]) -> list[tuple]:
    """The signature columns of the targets' rows, in order, by SQL compiled once a process
    for each number of targets (its `IN` list has one placeholder a target): building it
    through the ORM cost about a quarter of `unit_signatures`. A unit has a few dozen projects
    at most, so a few dozen lengths are kept, and the kept ones are dropped beyond that."""
    if not target_ids:
        return []
    query = _LINES_BY_COUNT.get(len(target_ids))
    if query is None:
        if len(_LINES_BY_COUNT) >= _LINES_KEPT:
            _LINES_BY_COUNT.clear()
        stand_ins = range(30001, 30001 + len(target_ids))
        query = _LINES_BY_COUNT[len(target_ids)] = KeyedQuery(_lines_of, *stand_ins)
    return query.all(*target_ids)


def _lines_of(*target_ids):
    rows = Indicator.objects.filter(target_id__in=target_ids).order_by("target_id", "position")
    return rows.values_list("target_id", *_SIGNATURE_COLUMNS)


_LINES_BY_COUNT: dict[int, KeyedQuery] = {}
_LINES_KEPT = 64


def _unit_targets(unit_id, year, superseded):
    return (
        Target.objects.filter(unit_id=unit_id, year=year, project__isnull=False)
        .exclude(status=superseded)
        .values_list("pk", "unit_id", "project_id", "project__name")
    )


_UNIT_TARGETS = KeyedQuery(_unit_targets, 30001, 30002, "\x00status")


def signatures_by_unit(year: int, **where) -> dict[int, list[tuple[int, Signature]]]:
    """unit id → `unit_signatures(unit, year)` of the units `where` selects (`unit_id=`, or
    `unit__region_id=` for a region's units), read as plain columns in two queries.

    A province's `jixiao lint --region` read them a unit at a time as models, each target with
    its project and each indicator with the one it supports, which signatures never use: 33 of
    the 55 profiled seconds of 20 districts' 8,000 declarations."""
    targets = Target.objects.current().filter(year=year, project__isnull=False, **where)
    read = Indicator.objects.filter(target__in=targets).order_by("target_id", "position")
    return _signatures(
        targets.values_list("pk", "unit_id", "project_id", "project__name"),
        read.values_list("target_id", *_SIGNATURE_COLUMNS),
        year,
    )


def _signatures(targets, indicators, year: int) -> dict[int, list[tuple[int, Signature]]]:
    """unit id → (project id, signature) of `targets` ((pk, unit, project, project's name) in
    order) with their rows `indicators` ((target, category, subcategory, name, value, unit))."""
    lines: dict[int, list[IndicatorLine]] = {}
    for target_id, category, subcategory, name, text, unit in indicators:
        value = parse_target_value(
            text,
            category=category,
            subcategory=subcategory,
            year=year,
            unit=unit or None,
            name=name,
        )
        line = IndicatorLine(category=category, subcategory=subcategory, name=name, value=value)
        lines.setdefault(target_id, []).append(line)
    by_unit: dict[int, list[tuple[int, Signature]]] = {}
    for pk, unit_id, project_id, label in targets:
        sig = signature_of_lines(lines.get(pk, ()), label)
        by_unit.setdefault(unit_id, []).append((project_id, sig))
    return by_unit


def _declaration_of_prefetched(target: Target) -> Declaration:
    return declaration_of(target, list(target.indicators.all()))


def library_of(region) -> tuple:
    """The library's rows for a region's lint (`library_entries`, read on every save), as the
    same tuple as before when they are the same rows: the lint's suggestions index a library
    once for each tuple (`lint_suggest._index`, by identity), and building that index of a few
    hundred rows again on every save cost about 0.75 ms of CPU. Kept by their content, so the
    regions that share the national library share its index, and a changed row is a new one."""
    content = tuple(library_rows(region))  # read as tuples: their dicts made only when new
    kept = _LIBRARIES.get(content)
    if kept is None:
        if len(_LIBRARIES) >= _LIBRARIES_KEPT:
            _LIBRARIES.clear()
        kept = _LIBRARIES[content] = tuple(
            dict(zip(LIBRARY_COLUMNS, row, strict=True)) for row in content
        )
    return kept


#: The libraries read lately, by their rows' content (a handful: the national library, and
#: that of each region with templates of its own).
_LIBRARIES: dict[tuple, tuple] = {}
_LIBRARIES_KEPT = 8


def lint_target(target: Target, indicators: Sequence[Indicator] | None = None) -> LintResult:
    """Lint a stored target (`indicators`: its rows as just written, in order; by default
    they are read)."""
    rules, catalogue = rules_of(target)
    declaration = declaration_of(target, indicators, incidents=rules["T02"])
    return lint(
        declaration,
        rules=rules,
        catalogue=catalogue,
        context=context_of(target, declaration),
        library=library_of(target.region),
    )


def preview(
    target: Target, *, goal: str, amounts: Mapping, rows: Sequence[dict], serves_public: bool
) -> tuple[list[dict], list[str]]:
    """Lint a form as it stands, before saving (the declaration page's live findings)."""
    unsaved = [Indicator(target=target, position=i, **row) for i, row in enumerate(rows)]
    rules, catalogue = rules_of(target)
    declaration = declaration_of(target, unsaved, incidents=rules["T02"])
    declaration = Declaration(
        goal=goal.strip() or None,
        medium_term_goal=declaration.medium_term_goal,
        amounts=Amounts(**{k: amounts.get(k) for k in ("total", "current", "carryover", "other")}),
        indicators=declaration.indicators,
        serves_public=serves_public,
        year=target.year,
        project_name=declaration.project_name,
        is_unit_target=declaration.is_unit_target,
    )
    context = context_of(target, declaration)
    library = library_of(target.region)
    result = lint(declaration, rules=rules, catalogue=catalogue, context=context, library=library)
    return [finding_dict(f) for f in result.findings], list(result.skipped)


def finding_dict(finding) -> dict:
    """A finding as stored on the target; `message_i18n` holds the message's code and parameters
    (jixiao.core.rule_messages) so that pages show it in the reader's language."""
    data = {
        "code": finding.code,
        "blocking": finding.blocking,
        "indicator": finding.indicator,
        "message": finding.message,
    }
    if isinstance(finding.message, Message):
        data["message_i18n"] = finding.message.to_data()
    return data
