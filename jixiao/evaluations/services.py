"""Writes on evaluations: start a self-evaluation from the approved target, save and score it
by the rules, review adjustments, spot checks, whole-unit evaluations (DOMAIN.md §6)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import FUNDING_SOURCES, Payment, Project
from jixiao.core import audit, edit_stamp, figures_cache, jobs
from jixiao.core.bulkupdate import insert_rows, update_many
from jixiao.core.collector import collector_paused
from jixiao.core.numbers import decimal_places, typed_decimal
from jixiao.core.rulebook import rules_for
from jixiao.core.workflow import perform
from jixiao.orgs.models import Role, Unit, User
from jixiao.targets.models import Indicator

from .models import SelfEvalIndicator, SelfEvaluation, UnitEvaluation
from .scoring import grade_for, issues_data, round_half_up, score, scoring_params
from .selectors import starting_targets
from .selfeval_data import selfeval_from_data
from .unit_evaluation import Judgement, UnitInputs, score_unit
from .workflow import SELFEVAL_WORKFLOW, UNIT_EVALUATION_WORKFLOW

ROW_FIELDS = ("actual", "band", "entered_score", "explanation", "deviation", "weight", "self_score")
SOURCE_LABELS = dict(FUNDING_SOURCES)


# --- self-evaluations ----------------------------------------------------------------------


@transaction.atomic
def selfeval_create(*, actor: User, project: Project) -> SelfEvaluation:
    """Start the 自评表 of a project with an approved target ("谁支出，谁自评"): the target's
    indicators and weights, and the year's execution from the treasury's payments. The one
    project of `selfevals_start`: its refusal is raised."""
    kept: list[SelfEvaluation] = []
    result = _start(actor, [project.pk], kept=kept)
    if result.refused:
        raise result.refused[0].error
    return kept[0]


#: Projects started together (`selfevals_start`), each chunk in a fixed number of queries.
START_CHUNK = 1000


@dataclasses.dataclass(frozen=True)
class StartRefusal:
    """A project whose 自评表 was not started, and why: the error `selfeval_create` raises
    (PermissionDenied outside the actor's units, else ValidationError)."""

    project: Project
    error: Exception

    @property
    def message(self) -> str:
        if isinstance(self.error, ValidationError):
            return "；".join(self.error.messages)
        return str(self.error)


@dataclasses.dataclass
class StartResult:
    """What `selfevals_start` did: the ids of the tables started, the projects refused."""

    started: list[int] = dataclasses.field(default_factory=list)
    refused: list[StartRefusal] = dataclasses.field(default_factory=list)

    def as_data(self) -> dict:
        """As JSON (a job's result): how many started, each project refused and why."""
        return {
            "started": len(self.started),
            "refused": [
                {"project": r.project.code, "name": r.project.name, "reason": r.message}
                for r in self.refused
            ],
        }


def selfevals_start(
    *,
    actor: User,
    projects,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = START_CHUNK,
) -> StartResult:
    """Start the 自评表 of many projects at once (a queryset or a list of `projects`), each
    with exactly the rows `selfeval_create` makes for one: the approved target's indicators and
    weights, the execution from the payments, the first score. The same few queries for every
    `chunk` projects, however many: the projects, their self-evaluations, targets, payments
    and indicators one query each, the rows in two inserts (scored before they are written);
    the year lock read once per region and year. A project that cannot start (outside the
    actor's units, its year closed, already started, no approved target) is listed in the
    result's `refused` with the reason, and the others start. One transaction; the tables
    started are one audit batch entry (a `create` change each). `progress(done, total)` after
    each chunk."""
    if isinstance(projects, models.QuerySet):
        ids = list(projects.order_by("year", "code").values_list("pk", flat=True))
    else:
        ids = [p.pk for p in projects]
    return _start(actor, ids, progress=progress, chunk=chunk)


@transaction.atomic
def _start(
    actor: User, ids: list[int], *, progress=None, chunk: int = START_CHUNK, kept=None
) -> StartResult:
    """`selfevals_start` of the projects `ids`; the tables started are added to `kept` (a
    list) when given."""
    result, scorer, locks = StartResult(), Scorer(), {}
    message = _Later(lambda: _("开始项目自评：%(n)s 份") % {"n": len(result.started)})

    def changes():
        for start in range(0, len(ids), chunk):
            with collector_paused():
                planned, refused = plan_starts(
                    ids[start : start + chunk], editor_of=lambda _project: actor, locks=locks
                )
                for selfeval, lines in planned:
                    scorer(selfeval, lines)
                insert_started(planned)
            result.refused += refused
            result.started += [selfeval.pk for selfeval, _lines in planned]
            if kept is not None:
                kept.extend(selfeval for selfeval, _lines in planned)
            for selfeval, _lines in planned:
                yield audit.Change(
                    action="create", instance=selfeval, after=audit.snapshot(selfeval)
                )
            if progress is not None:
                progress(min(start + chunk, len(ids)), len(ids))

    audit.record_batch(
        changes(),
        action="create",
        object_type=SelfEvaluation._meta.label_lower,
        region_code=actor.region.code if actor.region_id else "",
        actor=actor,
        message=message,
    )
    return result


class _Later:
    """A text made when it is read (`str`), as the audit entry's message is once every change
    is: `lazy()` would make a class a call, which only the cycle collector frees."""

    def __init__(self, make: Callable[[], str]):
        self.make = make

    def __str__(self) -> str:
        return self.make()


def plan_starts(
    ids: list[int], *, editor_of: Callable[[Project], User] | None, locks: dict
) -> tuple[list[tuple[SelfEvaluation, list[SelfEvalIndicator]]], list[StartRefusal]]:
    """The new 自评表 of the projects `ids` (one chunk), unsaved and unscored, each with its
    indicator lines (whose table is set as they are written, `insert_started`), in the order
    of `ids`; and the projects refused, checked in the order
    `selfeval_create` checks one: the editor (`editor_of(project)`, the filer who starts it;
    None when the editors were chosen for their units already, as an import's filers are by
    `filing.assign_filers`) and the year lock (`edit_error`), an existing self-evaluation, an
    approved target. Five queries, and one per new region-year's lock."""
    projects = Project.objects.filter(pk__in=ids).select_related("region", "unit").in_bulk()
    existing = set(
        SelfEvaluation.objects.filter(project_id__in=ids).values_list("project_id", flat=True)
    )
    targets = starting_targets(ids)
    paid = dict(
        Payment.objects.filter(project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    planned, refused = [], []
    for pk in ids:
        project = projects[pk]
        selfeval = SelfEvaluation(
            region=project.region, year=project.year, unit=project.unit, project_id=pk
        )
        _PROJECT.set_cached_value(selfeval, project)  # not `project=`: see `uncycled`
        error = edit_error(selfeval, editor_of(project) if editor_of else None, locks)
        if error is None and pk in existing:
            error = ValidationError(_("该项目已有自评。"))
        if error is None and pk not in targets:
            error = ValidationError(_("项目没有已批复的绩效目标，无法自评。"))
        if error is not None:
            refused.append(StartRefusal(project, error))
            continue
        selfeval.target = targets[pk]
        if paid.get(pk) is not None:
            selfeval.executed_current, selfeval.execution_from_payments = paid[pk], True
        planned.append((selfeval, []))
    lines_of = {selfeval.target_id: lines for selfeval, lines in planned}
    indicators = (
        Indicator.objects.filter(target_id__in=lines_of)
        .order_by("target_id", "position", "id")
        .values_list("target_id", *_FROM_TARGET.values())
    )
    new_line = _line_maker()
    for target_id, *values in indicators:
        lines_of[target_id].append(new_line(values))
    return planned, refused


#: A new line's fields (`SelfEvalIndicator`) from its target's indicator's (`Indicator`).
_FROM_TARGET = {
    "position": "position",
    "category": "category",
    "subcategory": "subcategory",
    "name": "name",
    "target_text": "value_text",
    "weight": "weight",
}


def _line_maker() -> Callable[[Sequence], SelfEvalIndicator]:
    """A new `SelfEvalIndicator` from the values of `_FROM_TARGET`'s fields (in its order),
    every other field at its default and its table set when it is written (`insert_started`):
    made from the field values in the model's order (Django's quick path, less than half the
    time of keywords; the indicators, read as values rather than as models, are a province's
    half a million rows)."""
    fields = SelfEvalIndicator._meta.concrete_fields
    names = [f.attname for f in fields]
    template = [f.get_default() for f in fields]
    given = [names.index(name) for name in _FROM_TARGET]
    fresh = [
        (i, f.get_default) for i, f in enumerate(fields) if isinstance(template[i], list | dict)
    ]

    def new_line(values: Sequence) -> SelfEvalIndicator:
        args = template.copy()
        for i, value in zip(given, values, strict=True):
            args[i] = value
        for i, default in fresh:  # a list or dict of its own
            args[i] = default()
        return SelfEvalIndicator(*args)

    return new_line


_PROJECT = SelfEvaluation._meta.get_field("project")


def uncycled(selfevals) -> None:
    """Forget each table's place in its project's cache (`project.selfeval`, which Django
    fills when a table's project is set or read with it), keeping the table's `project`: a
    table and its project referring to each other are a cycle, which only the cycle collector
    frees, with the table's scores and every line of its `result` (about 450 objects a
    table). Starting or importing a province's tables made some 20 such objects a
    millisecond, and the collector's passes over them were a sixth of the work."""
    reverse = _PROJECT.remote_field
    for selfeval in selfevals:
        if _PROJECT.is_cached(selfeval) and reverse.is_cached(selfeval.project):
            reverse.delete_cached_value(selfeval.project)


def selfevals_start_job(job, progress) -> dict:
    """`selfevals_start` as a background job of `job.user` (kind "selfevals_start", started by
    the self-evaluation list's "为全部可自评项目开始自评"): the filer's startable projects of the
    evaluated year (`job.params`: year, and a unit's id or None), what the page would start."""
    from .selectors import startable_projects

    user, params = job.user, job.params
    if not user.has_role(Role.FILER):
        raise PermissionDenied(_("只有单位填报人员可以开始自评。"))
    unit = None
    if params.get("unit") is not None:
        unit = Unit.objects.filter(pk__in=user.get_scope().unit_ids, pk=params["unit"]).first()
        if unit is None:
            raise PermissionDenied(_("只能为本单位的项目开始自评。"))
    projects = startable_projects(user=user, year=int(params["year"]), unit=unit)
    return selfevals_start(actor=user, projects=projects, progress=progress).as_data()


def start_summary(result: dict) -> str:
    """A start's outcome in one line: how many tables started, which projects could not."""
    text = _("已开始 %(n)s 份项目自评。") % {"n": result["started"]}
    if result["refused"]:
        text += _("未能开始 %(n)s 个：%(list)s") % {
            "n": len(result["refused"]),
            "list": "；".join(f"{r['name']}（{r['reason']}）" for r in result["refused"][:10]),
        }
    return text


selfevals_start_job.summary = start_summary
jobs.register("selfevals_start", selfevals_start_job, label=gettext_lazy("开始项目自评"))


def edit_error(selfeval: SelfEvaluation, actor: User | None, locks: dict) -> Exception | None:
    """`SELFEVAL_WORKFLOW.edit_problem` (may `actor` change it now?) with the year lock read
    once per region and year, kept in `locks` across calls; no `actor`: the editor is known
    to be one of the unit's filers."""
    refusal = SELFEVAL_WORKFLOW.editor(selfeval, actor) if actor is not None else None
    if refusal:
        return PermissionDenied(refusal)
    key = (selfeval.region_id, selfeval.year)
    if key not in locks:
        locks[key] = SELFEVAL_WORKFLOW.lock_reason(selfeval)
    if locks[key]:
        return ValidationError(locks[key])
    if selfeval.status not in SELFEVAL_WORKFLOW.editable:
        state = SELFEVAL_WORKFLOW.label(selfeval.status)
        return ValidationError(str(SELFEVAL_WORKFLOW.edit_state_refusal) % {"s": state})
    return None


def insert_started(planned: list[tuple[SelfEvaluation, list[SelfEvalIndicator]]]) -> None:
    """Write new self-evaluations and their lines (as `plan_starts` made them, scored or
    filled since) in three statements whatever their number (bulk_create would split them
    into inserts of a few dozen rows on SQLite): one executemany INSERT each, and their ids
    read back by project; the work year's figures told (bulk inserts send no signal)."""
    if not planned:
        return
    now = timezone.now()
    selfevals = [selfeval for selfeval, _lines in planned]
    for selfeval in selfevals:
        selfeval.updated_at = now
    _insert(SelfEvaluation, selfevals)
    ids = dict(
        SelfEvaluation.objects.filter(project_id__in=[s.project_id for s in selfevals]).values_list(
            "project_id", "id"
        )
    )
    for selfeval, lines in planned:
        selfeval.pk = ids[selfeval.project_id]
        selfeval._state.adding = False
        for line in lines:
            line.selfeval = selfeval  # its id, known now
    _insert(SelfEvalIndicator, [line for _selfeval, lines in planned for line in lines])
    figures_cache.changed({(s.region_id, s.year) for s in selfevals})


def _insert(model, objects: list) -> None:
    """INSERT `objects` of `model` with every field but the id, one executemany."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    insert_rows(
        model,
        [f.name for f in fields],
        [tuple(getattr(o, f.attname) for f in fields) for o in objects],
    )


class Scorer:
    """`selfeval_score` by the rules of each self-evaluation's region and year, read when the
    first of them comes (a rulebook a lineage and year, however many tables)."""

    def __init__(self):
        self._rules: dict[tuple[str, int], dict] = {}

    def __call__(self, selfeval: SelfEvaluation, lines) -> bool:
        key = (selfeval.region.path, selfeval.year)
        if key not in self._rules:
            section, catalogue, label, incidents = reading_rules(selfeval)
            self._rules[key] = {
                "params": scoring_params(section),
                "catalogue": catalogue,
                "label": label,
                "incidents": incidents,
            }
        return selfeval_score(selfeval, lines, **self._rules[key])


def _decimal(value, label: str) -> Decimal | None:
    """A number a form or a file gave: typed text as people type it (`typed_decimal`: no
    decimal comma read as a thousands separator), numbers as they are."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str):
            number = typed_decimal(value)
        else:
            number = Decimal(str(value))
            if not number.is_finite():
                raise ValueError(value)
    except (ValueError, InvalidOperation):
        raise ValidationError(_("%(f)s“%(v)s”不是数字。") % {"f": label, "v": value}) from None
    return number


@transaction.atomic
def selfeval_save(
    *,
    actor: User,
    selfeval: SelfEvaluation,
    executed: Mapping[str, object],
    goal_achieved: str = "",
    report: str = "",
    rows: Sequence[Mapping] = (),
    loaded: str | None = None,
) -> SelfEvaluation:
    """Save what the unit filled in and score it by the rules at once; refused
    (`edit_stamp.Overwritten`) when it was saved since the form's `loaded` stamp."""
    # The project (the audit's name of the table) comes with the locked row, and the row read
    # under that lock is what its save's audit takes as the row before, instead of reading it
    # again.
    selfeval = (
        SelfEvaluation.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=selfeval.pk)
    )
    SELFEVAL_WORKFLOW.require_editable(selfeval, actor)
    edit_stamp.check(selfeval, loaded)
    audit.loaded_locked(selfeval)
    filled = selfeval_fill(
        selfeval,
        list(selfeval.indicators.all()),
        executed=executed,
        goal_achieved=goal_achieved,
        report=report,
        rows=rows,
    )
    selfeval.save()
    # one statement for the lines filled: no signal watches them (the model is neither
    # audited nor one the figures' cache follows), so a save of each was only more queries;
    # `update_many`, as Django's bulk_update compiles a CASE per line and field (about 40 ms
    # a save of 11 lines under the profiler)
    update_many(SelfEvalIndicator, filled, (*ROW_FIELDS, "actual_source"))
    return rescore(selfeval)


def selfeval_fill(
    selfeval: SelfEvaluation,
    lines: list[SelfEvalIndicator],
    *,
    executed: Mapping[str, object],
    goal_achieved: str,
    report: str,
    rows: Sequence[Mapping],
) -> list[SelfEvalIndicator]:
    """What the unit filled in, set on `selfeval` and its `lines` in memory (ValidationError
    for a value that cannot be taken): the executed amounts of the sources given, the goal
    achieved, the report, and each of `rows` on the line at its `position` (a row for no line
    is passed over). Returns the lines filled, in the order of `rows`."""
    for source, label in FUNDING_SOURCES:
        if source in executed:
            name = format_lazy("{}{}", gettext_lazy("执行数·"), label)
            value = _decimal(executed[source], name)
            if value is not None and value < 0:
                raise ValidationError(_("执行数不能为负数。"))
            _check_places(executed[source], value, selfeval, f"executed_{source}", name)
            setattr(selfeval, f"executed_{source}", value)
    selfeval.goal_achieved, selfeval.report = goal_achieved.strip(), report.strip()
    by_position = {line.position: line for line in lines}
    filled = []
    for values in rows:
        line = by_position.get(int(values.get("position", -1)))
        if line is not None:
            _apply_row(line, values)
            filled.append(line)
    return filled


def as_stored(obj, names: Sequence[str]) -> None:
    """The decimals of `obj`'s fields `names` as a save and a read give them back: to their
    field's decimal places (both databases), so that scoring what is in memory gives what
    scoring the stored row gives."""
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, Decimal) and value.is_finite():
            setattr(obj, name, value.quantize(_step(obj.__class__, name)))


@functools.cache
def _step(model, name: str) -> Decimal:
    """The smallest step of `model`'s decimal field `name` (0.01 for two places): asked for
    every figure of every line an import fills."""
    return Decimal(1).scaleb(-model._meta.get_field(name).decimal_places)


def _apply_row(line: SelfEvalIndicator, values: Mapping) -> None:
    for field in ROW_FIELDS:
        if field not in values:
            continue
        if field in ("entered_score", "weight", "self_score"):
            # the field's name translated only for a message (it was once per value: a fifth
            # of an import's filling)
            number = _line_decimal(line, field, values[field])
            if number is not None and (number < 0 or number > 100):
                # which line (its indicator) and which of its three figures
                raise ValidationError(
                    _("%(f)s“%(v)s”须在 0 到 100 之间。")
                    % {"f": _line_label(line, field), "v": values[field]}
                )
            _check_places(
                values[field], number, line, field, functools.partial(_line_label, line, field)
            )
            setattr(line, field, number)
        else:
            text = str(values[field] or "").strip()[: _max(field)]
            if field == "actual" and text != line.actual:
                line.actual_source = ""  # a typed value is no longer the survey's measure
            setattr(line, field, text)


def _line_decimal(line: SelfEvalIndicator, field: str, value) -> Decimal | None:
    """A line's number; a refusal names the line (its number and indicator) and the column,
    so that the filer finds which of twenty lines holds the typo."""
    try:
        return _decimal(value, "")
    except ValidationError:
        label = _line_label(line, field)
        raise ValidationError(_("%(f)s“%(v)s”不是数字。") % {"f": label, "v": value}) from None


def _line_label(line: SelfEvalIndicator, field: str) -> str:
    return _("第 %(n)s 行（%(i)s）的%(f)s") % {
        "n": line.position + 1,
        "i": line.name,
        "f": SelfEvalIndicator._meta.get_field(field).verbose_name,
    }


def _check_places(typed, number: Decimal | None, obj, field: str, label) -> None:
    """Refuse a typed figure with more places than `obj`'s field keeps (a score of 9.999 was
    stored as 10.00, an amount of 1.1234567 as 1.123457, unseen). A number from a file (a
    float: 100/3) is rounded as before. `label` names the field, or gives its name when called."""
    if number is None or not isinstance(typed, str):
        return
    places = _places(obj.__class__, field)
    if decimal_places(number) > places:
        name = label() if callable(label) else label
        raise ValidationError(_("%(f)s最多 %(p)s 位小数。") % {"f": name, "p": places})


@functools.cache
def _places(model, field: str) -> int:
    return model._meta.get_field(field).decimal_places


@functools.cache
def _max(field: str) -> int:
    return SelfEvalIndicator._meta.get_field(field).max_length or 10_000


def _money(value) -> str | None:
    return None if value is None else str(value)


def selfeval_data(selfeval: SelfEvaluation, lines=None) -> dict:
    """The stored self-evaluation in the shape of schemas/selfeval (what `jixiao score` reads),
    so that the page, imports and the CLI score through exactly the same code."""
    project = selfeval.project
    lines = lines if lines is not None else list(selfeval.indicators.all())
    sources = [
        {
            "source": str(label),
            "initial": _money(getattr(project, f"initial_{src}")),
            "full_year": _money(getattr(project, f"full_{src}")),
            "executed": _money(getattr(selfeval, f"executed_{src}")),
        }
        for src, label in FUNDING_SOURCES
    ]
    return {
        "year": selfeval.year,
        "region": selfeval.region.code,
        "unit": {"code": selfeval.unit.code, "name": selfeval.unit.name},
        "project": {"code": project.code, "name": project.name},
        "budget": {
            "initial": _money(project.initial_total),
            "full_year": _money(project.full_total),
            "executed": _money(selfeval.executed_total),
            "sources": sources,
            "self_score": _money(selfeval.self_execution_score),
        },
        "goal": {
            "expected": selfeval.target.goal if selfeval.target_id else None,
            "achieved": selfeval.goal_achieved or None,
        },
        "indicators": [
            {
                "category": i.category,
                "subcategory": i.subcategory,
                "name": i.name,
                "target": i.target_text,
                "actual": i.actual or None,
                "weight": _money(i.weight),
                "band": i.band or None,
                "score": _money(i.entered_score),
                "explanation": i.explanation or None,
                "deviation": i.deviation or None,
                "self_score": _money(i.self_score),
            }
            for i in lines
        ],
        "self_total": _money(selfeval.self_total),
    }


def scoring_rules(selfeval) -> tuple[dict, dict, str]:
    return reading_rules(selfeval)[:3]


def reading_rules(selfeval) -> tuple[dict, dict, str, dict]:
    """`scoring_rules` and the lint's T02 words, with which the reader takes "无" on an
    indicator that counts incidents as "= 0" (jixiao.indicators.incidents)."""
    rules = rules_for(selfeval.region.lineage_codes, selfeval.year)
    return (rules.section("scoring"), rules.section("catalogue"), rules.label,
            rules.get("lint.T02"))  # fmt: skip


#: What scoring writes: on each indicator line, and on the self-evaluation.
SCORED_LINE_FIELDS = ("score", "score_explanation", "problems")
SCORED_FIELDS = (
    "result",
    "total",
    "grade",
    "complete",
    "rulebook",
    "reviewed_total",
    "reviewed_grade",
)


def selfeval_score(
    selfeval: SelfEvaluation, lines, *, params, catalogue: Mapping, label: str, incidents=None
) -> bool:
    """Score `selfeval` with its `lines` (in position order) by the scoring rules `params`
    (ScoringParams) and `catalogue` of the rulebook `label`, in memory: the lines' score,
    explanation and problems, and the self-evaluation's SCORED_FIELDS. Writes nothing; the one
    computation of `rescore` and of the batched `rescoring.selfevals_rescore`. True when the
    lines were scored (their SCORED_LINE_FIELDS to save); False when the stored data could not
    be read (`result` then holds the errors and the lines keep their scores)."""
    data = selfeval_data(selfeval, lines)
    parsed, errors = selfeval_from_data(data, catalogue=catalogue, incidents=incidents)
    if parsed is None:
        selfeval.result = {"errors": errors}
        selfeval.total, selfeval.grade, selfeval.complete = None, "", False
    else:
        result = score(parsed, rules=params, catalogue=catalogue)
        for line, scored in zip(lines, result.indicators, strict=True):
            line.score, line.score_explanation = scored.score, scored.explanation
            line.problems = issues_data((*scored.errors, *scored.warnings), i18n=True)
        selfeval.result = result.to_data(i18n=True)
        selfeval.total, selfeval.grade = result.total, result.grade or ""
        selfeval.complete = result.complete
    selfeval.rulebook = label[:120]
    _reviewed(selfeval, lines, params)
    return parsed is not None


def rescore(selfeval: SelfEvaluation) -> SelfEvaluation:
    """Score by the rulebook of the project's year; keep every figure with its explanation."""
    lines = list(selfeval.indicators.order_by("position"))
    rules, catalogue, label, incidents = reading_rules(selfeval)
    params = scoring_params(rules)
    if selfeval_score(selfeval, lines, params=params, catalogue=catalogue, label=label,
                      incidents=incidents):  # fmt: skip
        update_many(SelfEvalIndicator, lines, SCORED_LINE_FIELDS)
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(
        **{field: getattr(selfeval, field) for field in SCORED_FIELDS}
    )
    return selfeval


def score_preview(
    *, selfeval: SelfEvaluation, executed: Mapping[str, object], rows: Sequence[Mapping]
) -> dict:
    """The scores the form would get, computed on unsaved copies (nothing is written): the
    same reading and scoring as `rescore`, so the preview never disagrees with the save."""
    lines = list(selfeval.indicators.order_by("position"))
    by_position = {line.position: line for line in lines}
    for values in rows:
        line = by_position.get(int(values.get("position", -1)))
        if line is not None:
            _apply_row(line, values)
    for source, label in FUNDING_SOURCES:
        if source in executed:
            setattr(
                selfeval,
                f"executed_{source}",
                _decimal(executed[source], _("执行数·") + str(label)),
            )
    rules, catalogue, _label, incidents = reading_rules(selfeval)
    data = selfeval_data(selfeval, lines)
    parsed, errors = selfeval_from_data(data, catalogue=catalogue, incidents=incidents)
    if parsed is None:
        return {"schema_errors": errors}
    return score(parsed, rules=rules, catalogue=catalogue).to_data(i18n=True)


def _reviewed(selfeval: SelfEvaluation, lines, params) -> None:
    """The reviewed total: the rule score with the reviewer's adjustments in their place (none
    without an adjustment), in memory."""
    if not any(line.reviewed_score is not None for line in lines):
        selfeval.reviewed_total, selfeval.reviewed_grade = None, ""
        return
    execution = Decimal((selfeval.result.get("execution") or {}).get("score") or 0)
    total = execution + sum(
        (line.reviewed_score if line.reviewed_score is not None else line.score or Decimal(0))
        for line in lines
    )
    selfeval.reviewed_total = round_half_up(total, params.places)
    selfeval.reviewed_grade = grade_for(selfeval.reviewed_total, params.grades) or ""


def _refresh_reviewed(selfeval: SelfEvaluation, lines) -> None:
    """The reviewed total recomputed and saved (after a reviewer's adjustment)."""
    rules, _catalogue, _label = scoring_rules(selfeval)
    _reviewed(selfeval, lines, scoring_params(rules))
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(
        reviewed_total=selfeval.reviewed_total, reviewed_grade=selfeval.reviewed_grade
    )


@transaction.atomic
def review_adjust(
    *,
    actor: User,
    selfeval: SelfEvaluation,
    position: int,
    score_value: Decimal | None,
    reason: str,
) -> SelfEvalIndicator:
    """The reviewer's score for one indicator, kept beside the unit's and the rule's; a reason
    is required (DOMAIN.md §6.1). `score_value` None removes the adjustment."""
    selfeval = SelfEvaluation.objects.select_for_update(of=("self",)).get(pk=selfeval.pk)
    if (
        not actor.has_role(Role.BUSINESS, Role.BUDGET)
        or not SelfEvaluation.objects.visible_to(actor).filter(pk=selfeval.pk).exists()
    ):
        raise PermissionDenied(_("只有审核股室可以调整得分。"))
    if selfeval.status not in ("submitted", "first_passed"):
        raise ValidationError(_("只能在审核中调整得分。"))
    line = selfeval.indicators.get(position=position)
    if score_value is not None:
        if not reason.strip():
            raise ValidationError(_("调整得分须说明理由。"))
        if score_value < 0 or (line.weight is not None and score_value > line.weight):
            raise ValidationError(
                _("调整后的得分须在 0 到该指标分值 %(w)s 之间。") % {"w": line.weight}
            )
    before = {"reviewed_score": _money(line.reviewed_score)}
    line.reviewed_score, line.review_reason = score_value, reason.strip()
    line.reviewed_by = actor
    line.save()
    audit.record(
        action="update",
        instance=selfeval,
        before=before,
        after={"reviewed_score": _money(score_value), "indicator": line.name},
        message=_("审核调整得分：%(r)s") % {"r": reason.strip()[:200]},
    )
    _refresh_reviewed(selfeval, list(selfeval.indicators.order_by("position")))
    return line


@transaction.atomic
def spot_check(
    *, actor: User, selfeval: SelfEvaluation, total: Decimal, note: str
) -> SelfEvaluation:
    """抽查复核: the performance office re-reviews a sampled self-evaluation and records its
    score beside the others."""
    if not actor.has_role(Role.PERFORMANCE):
        raise PermissionDenied(_("只有绩效办可以抽查复核。"))
    if total < 0 or total > 100:
        raise ValidationError(_("复核得分须在 0 到 100 之间。"))
    if not note.strip():
        raise ValidationError(_("请填写复核意见。"))
    selfeval = SelfEvaluation.objects.select_for_update(of=("self",)).get(pk=selfeval.pk)
    selfeval.spot_check_total, selfeval.spot_check_note = total, note.strip()
    selfeval.spot_checked_by, selfeval.spot_checked_at = actor, timezone.now()
    selfeval.save()
    return selfeval


def selfeval_transition(
    *, actor: User, selfeval: SelfEvaluation, name: str, comment: str = "", attest: bool = False
) -> SelfEvaluation:
    return perform(
        obj=selfeval,
        name=name,
        actor=actor,
        workflow=SELFEVAL_WORKFLOW,
        comment=comment,
        attest=attest,
    )


# --- whole-unit evaluations ----------------------------------------------------------------


def unit_evaluation_rules(region, year) -> tuple[dict, str]:
    rules = rules_for(region.lineage_codes, year)
    return rules.section("unit_evaluation"), rules.label


@transaction.atomic
def unit_evaluation_save(
    *,
    actor: User,
    unit: Unit,
    year: int,
    values: Mapping,
    judgements: Mapping,
    loaded: str | None = None,
) -> UnitEvaluation:
    """Save a unit's figures and judgements and score them by the framework (DOMAIN.md §6.3);
    refused (`edit_stamp.Overwritten`) when it was saved (or first saved: a form drawn before
    carries `edit_stamp.NEW`) since the form's `loaded` stamp."""
    evaluation, created = UnitEvaluation.objects.select_for_update(of=("self",)).get_or_create(
        unit=unit, year=year, defaults={"region": unit.region}
    )
    UNIT_EVALUATION_WORKFLOW.require_editable(evaluation, actor)  # a refusal rolls back
    edit_stamp.check(None if created else evaluation, loaded)
    evaluation.values = {k: str(v) for k, v in values.items() if v not in (None, "")}
    evaluation.judgements = {
        k: {"band": j.get("band") or None, "score": _judged_score(k, j.get("score"))}
        for k, j in judgements.items()
        if j.get("band") or j.get("score")
    }
    evaluation.save()
    return unit_evaluation_rescore(evaluation)


def _judged_score(indicator: str, typed) -> str | None:
    """A judged item's score as stored text: a number as typed (`_decimal`), or refused
    naming the item (a word there was a server error when the framework was scored)."""
    number = _decimal(typed, _("“%(i)s”的得分") % {"i": indicator})
    return None if number is None else str(number)


def unit_evaluation_rescore(evaluation: UnitEvaluation) -> UnitEvaluation:
    rules, label = unit_evaluation_rules(evaluation.region, evaluation.year)
    judgements = {}
    for name, j in (evaluation.judgements or {}).items():
        judgements[name] = Judgement(
            band=j.get("band"), score=Decimal(j["score"]) if j.get("score") else None
        )
    result = score_unit(
        UnitInputs(values=dict(evaluation.values or {}), judgements=judgements), rules=rules
    )
    evaluation.result = result.to_data(i18n=True)
    evaluation.total, evaluation.grade = result.total, result.grade or ""
    evaluation.rulebook = label[:120]
    UnitEvaluation.objects.filter(pk=evaluation.pk).update(
        result=evaluation.result,
        total=evaluation.total,
        grade=evaluation.grade,
        rulebook=evaluation.rulebook,
    )
    return evaluation


def unit_evaluation_transition(
    *, actor: User, evaluation: UnitEvaluation, name: str, comment: str = "", attest: bool = False
) -> UnitEvaluation:
    return perform(
        obj=evaluation,
        name=name,
        actor=actor,
        workflow=UNIT_EVALUATION_WORKFLOW,
        comment=comment,
        attest=attest,
    )
