"""Import of project self-evaluations (项目支出绩效自评表): `jixiao import selfevals FILE`.

The file is the official table in xlsx (one per worksheet, excel.py) or a JSON list of
schemas/selfeval objects (each checked by `selfeval.selfeval_from_data`, the reader `jixiao
score` uses). Each table is matched to its project by code (else by its exact name) in the
importer's region and the table's year — the project's year, as the schema's `year` — and is
filled through `services.selfeval_save`, which checks the filer's scope and the state and scores
the table by the rules. A project with no self-evaluation yet gets one from its approved target
(`selfeval_create`); one without an approved target, or whose self-evaluation is no longer a
draft or returned, is an error. One transaction: one bad table, cell or figure writes nothing,
and every problem says where it is, in Chinese.

The unit's own scores: the 得分 column of a table a unit filled is the UNIT's score,
and so is `self_score` in the schema. They are stored as the unit's scores (self_score, the
execution's self score, self_total) and never as the rule's: `rescore` computes the rule's
figure beside each and flags every one that departs from it. A table Jixiao exported carries
the rule's scores in 得分 and the unit's in 单位自评得分; that column, when present, is the one
read. What the file leaves out (a label, a column, a JSON key) keeps its stored value; the
indicators are those of the approved target, matched by their 三级指标 name, and a file cannot
add or remove any.

Who may import (DOMAIN.md §3, §6.1, "谁支出，谁自评"): filling a self-evaluation is the unit
filer's right, and the services accept only the filer of the project's unit. So a filer (the
page import, or `--user` on the CLI) imports the tables of their own unit and its level-2 units;
the budget or performance office (the CLI's default account) may import the region's tables on
the units' behalf (代录), each saved as its unit's filer account — an active filer of the
project's unit, else of its level-1 unit; a unit without one is an error that asks for --user.
The tables stay drafts, so each unit's leader still attests and submits them.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.budgets.models import Project
from jixiao.core import audit, figures_cache
from jixiao.core.bulkupdate import update_many
from jixiao.core.collector import collector_paused
from jixiao.core.document_imports import DocumentImporter, json_form, json_problem, plain
from jixiao.core.imports import CellError, Row, non_negative_money, register_importer, too_long
from jixiao.core.rulebook import rules_for
from jixiao.core.tabular import Problem
from jixiao.orgs import filing
from jixiao.orgs.review import EDITABLE

from .excel import MONEY_ROW_LABELS, TEXT_LIMITS, SelfEvalForm, label_key, read_form, read_score
from .models import SelfEvalIndicator, SelfEvaluation
from .selectors import starting_targets
from .selfeval_data import SelfEvalSheet, _value_text, selfeval_from_data
from .services import (
    SCORED_FIELDS,
    SCORED_LINE_FIELDS,
    Scorer,
    as_stored,
    edit_error,
    insert_started,
    plan_starts,
    selfeval_fill,
    uncycled,
)
from .workflow import SELFEVAL_WORKFLOW

SOURCE_KEYS = ("current", "carryover", "other")
SOURCE_LABELS = {
    "current": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
    "total": "年度资金总额",
}
ROW_KEYS = ("actual", "band", "entered_score", "explanation", "deviation", "weight", "self_score")
#: Tables written together (`SelfEvalImporter.save`), each chunk in a fixed number of queries.
CHUNK = 1000
OWN_SCORES = ("self_execution_score", "self_total")
LINE_SCORES = ("weight", "entered_score", "self_score")
#: What an import writes on a stored table and on its lines.
WRITTEN_FIELDS = (
    *(f"executed_{source}" for source in SOURCE_KEYS),
    "goal_achieved",
    "report",
    *OWN_SCORES,
    "updated_at",
    *SCORED_FIELDS,
)
LINE_FIELDS = (*ROW_KEYS, "actual_source", *SCORED_LINE_FIELDS)


@register_importer
class SelfEvalImporter(DocumentImporter):
    """Self-evaluations in the table's block layout (one per worksheet) or schemas/selfeval."""

    kind = "selfevals"
    title = gettext_lazy("项目支出绩效自评表")
    noun = gettext_lazy("自评表")
    form_title = gettext_lazy("项目支出绩效自评表")
    filing = filing
    # The schema checked, the values not read: `form_from_item` takes the year and the file's
    # texts, and the scoring reads the stored table's values (reading them here too was a
    # third of the import's time).
    from_data = staticmethod(partial(selfeval_from_data, values=False))

    def __init__(self, *, actor, region=None, year: int | None = None, as_filer: bool = False):
        super().__init__(actor=actor, region=region, year=year, as_filer=as_filer)
        self._bands: dict[tuple, tuple[str, ...]] = {}

    # --- reading ---------------------------------------------------------------------------

    def read(self, data: bytes, filename: str):
        """The file's tables; a JSON file's read with the collector paused: a district's file
        is a few hundred thousand values, read into objects that live until the import ends
        and hold no cycle, and the collector's passes meanwhile (a full one a file, over all
        the process holds) found nothing to free."""
        if not filename.lower().endswith(".json"):
            return super().read(data, filename)
        with collector_paused():
            return super().read(data, filename)

    def read_form(self, sheet) -> tuple[SelfEvalForm | None, list[Problem]]:
        form, problems = read_form(sheet)
        if form is not None and form.year is None:
            form.year = self.year  # a title without its year: the page's work year
        return form, problems

    def identified(self, form: SelfEvalForm) -> bool:
        return bool(form.project_code or form.project_name)

    def form_from_item(
        self, parsed: SelfEvalSheet, item: dict, number: int
    ) -> tuple[SelfEvalForm, list[Problem]]:
        """A schemas/selfeval object as a table; what it leaves out is not `present`."""

        problem, problems = partial(json_problem, number), []
        fields = {"title": "year", "project_code": "project.code", "project_name": "project.name",
                  "region": "region", "self_total": "self_total",
                  "self_execution_score": "budget.self_score", "executed:total": "budget.executed"}  # fmt: skip
        form = json_form(SelfEvalForm, number, fields)
        project = item.get("project") or {}
        form.project_code = _text(project.get("code"))
        form.project_name = _text(project.get("name"))
        if not form.project_code and not form.project_name:
            problems.append(problem("project.code", _("须有项目编码（project.code）")))
        year = parsed.year
        if year is not None and not 2000 <= year <= 2100:
            problems.append(problem("year", _("“%(v)s”不是有效的年度（如 2022）") % {"v": year}))
        form.year = year if year is not None else self.year
        form.region_code = _text(item.get("region")).split(" ")[0] if item.get("region") else ""
        _money_of(item.get("budget"), form, problem, problems)
        goal = item.get("goal")
        if isinstance(goal, dict) and "achieved" in goal:
            form.present.add("goal_achieved")
            form.goal_achieved = _text(goal.get("achieved"))
        if "report" in item:
            if item["report"] is not None and not isinstance(item["report"], str):
                problems.append(problem("report", _("应为文字或 null")))
            form.present.add("report")
            form.report = _text(item.get("report"))
        if "self_total" in item:
            form.present.add("self_total")
            form.self_total = _score(item["self_total"], "self_total", problem, problems)
        for index, row in enumerate(item.get("indicators") or []):
            line = {k: _text(row.get(k)) for k in ("category", "subcategory", "name")}
            line["target"] = _value_text(row.get("target"))
            if "actual" in row:
                line["actual"] = _value_text(row["actual"]).strip()
            for key in ("band", "explanation", "deviation"):
                if key in row:
                    line[key] = _text(row[key])
            for key, json_key in (
                ("weight", "weight"),
                ("entered_score", "score"),
                ("self_score", "self_score"),
            ):
                if json_key in row:
                    line[key] = _score(
                        row[json_key], f"indicators[{index}].{json_key}", problem, problems
                    )
            form.indicators.append(line)
            form.indicator_rows.append(number)
        return form, problems

    # --- checking ----------------------------------------------------------------------------

    def route(self, forms: list[SelfEvalForm]) -> tuple[list[SelfEvalForm], list[Problem]]:
        ready, problems = [], []
        for form in forms:
            if form.year is None:
                problems.append(
                    form.where(
                        "title",
                        _("找不到项目年度：标题应写成“（2022年度）项目支出绩效自评表”"),
                        _("标题"),
                    )
                )
            else:
                ready.append(form)
        routed, route_problems = super().route(ready)
        return routed, problems + route_problems

    def match(self, forms: list[SelfEvalForm]) -> tuple[list[SelfEvalForm], list[Problem]]:
        problems = self._match_projects(forms)
        matched = [f for f in forms if f.project is not None]
        problems += self._match_selfevals(matched)
        found = [f for f in matched if f.positions is not None]
        problems += self.assign_filers(found, lambda f: f.project, _key_of)
        return [f for f in found if f.filer is not None], problems

    def _match_projects(self, forms: list[SelfEvalForm]) -> list[Problem]:
        """Each table's project in the region and year, by code (else by its exact name),
        within the actor's scope; once per file."""
        if not forms:
            return []
        base = Project.objects.filter(
            region__path__startswith=self.region.path, year__in={f.year for f in forms}
        ).select_related("region", "unit")
        by_code, by_name = defaultdict(list), defaultdict(list)
        for p in base.filter(code__in={f.project_code for f in forms if f.project_code}):
            by_code[(p.year, p.code)].append(p)
        names = {f.project_name for f in forms if not f.project_code and f.project_name}
        if names:
            for p in base.filter(name__in=names):
                by_name[(p.year, p.name)].append(p)
        problems = []
        for form in forms:
            key, shown = (
                ("project_code", form.project_code)
                if form.project_code
                else ("project_name", form.project_name)
            )
            candidates = (
                by_code.get((form.year, form.project_code), [])
                if form.project_code
                else by_name.get((form.year, form.project_name), [])
            )
            named = self.named_region(form)
            if named is not None:
                candidates = [p for p in candidates if p.region_id == named.pk]
            allowed = [p for p in candidates if self.may_file(p.unit_id, p.region.path)]
            label = _("项目编码") if key == "project_code" else _("项目名称")
            if not allowed:
                problems.append(
                    form.where(
                        key,
                        _("%(y)s 年度%(r)s没有您可填报的%(l)s“%(c)s”的项目")
                        % {"y": form.year, "r": self.region_of(form).name, "l": label, "c": shown},
                        label,
                    )
                )
                continue
            if len(allowed) > 1:
                problems.append(
                    form.where(
                        key,
                        _("%(l)s“%(c)s”对应多个项目，请填写项目编码（及区划）")
                        % {"l": label, "c": shown},
                        label,
                    )
                )
                continue
            duplicate = self.once_per_file(form, key, allowed[0].pk)
            if duplicate:
                problems.append(duplicate)
                continue
            form.project = allowed[0]
        return problems

    def _match_selfevals(self, forms: list[SelfEvalForm]) -> list[Problem]:
        """The stored self-evaluation of each project (editable), or the approved target a new
        one starts from; `positions` None marks a table that cannot be filled."""
        projects = {f.project.pk for f in forms}
        existing = {
            s.project_id: s
            for s in SelfEvaluation.objects.filter(project_id__in=projects)
            .select_related("region")
            .only("id", "project_id", "region", "year", "unit_id", "status")
        }
        stored_lines = defaultdict(list)  # the lines' positions and names, nothing more
        for selfeval_id, position, name in (
            SelfEvalIndicator.objects.filter(selfeval__project_id__in=projects)
            .order_by("selfeval_id", "position")
            .values_list("selfeval_id", "position", "name")
        ):
            stored_lines[selfeval_id].append((position, name))
        targets = starting_targets(projects - existing.keys())
        prefetch_related_objects(list(targets.values()), "indicators")
        problems, locks = [], {}

        def lock_reason(selfeval) -> str | None:  # the year lock, read once per region-year
            key = (selfeval.region_id, selfeval.year)
            if key not in locks:
                locks[key] = SELFEVAL_WORKFLOW.lock_reason(selfeval)
            return locks[key]

        for form in forms:
            form.positions = None
            key = "project_code" if form.project_code else "project_name"
            selfeval = existing.get(form.project.pk)
            if selfeval is not None:
                reason = lock_reason(selfeval)
                if selfeval.status not in EDITABLE:
                    reason = _(
                        "该项目的自评处于“%(s)s”状态，不能通过导入修改（只能修改草稿或已退回的自评）"
                    ) % {"s": selfeval.get_status_display()}
                if reason:
                    problems.append(form.where(key, reason))
                    continue
                form.selfeval = selfeval
                form.lines = stored_lines[selfeval.pk]
            else:
                target = targets.get(form.project.pk)
                if target is None:
                    problems.append(
                        form.where(
                            key,
                            _("项目“%(c)s”没有已批复的绩效目标，无法自评")
                            % {"c": form.project.code},
                        )
                    )
                    continue
                reason = lock_reason(
                    SelfEvaluation(region=form.project.region, year=form.project.year)
                )
                if reason:
                    problems.append(form.where(key, reason))
                    continue
                form.lines = [
                    (i.position, i.name)
                    for i in sorted(target.indicators.all(), key=lambda i: i.position)
                ]
            form.positions = []
        return problems

    def _band_labels(self, project) -> tuple[str, ...]:
        key = (project.region_id, project.year)
        if key not in self._bands:
            rules = rules_for(project.region.lineage_codes, project.year).section("scoring")
            self._bands[key] = tuple(b["label"] for b in rules.get("bands", ()))
        return self._bands[key]

    def check_form(self, form: SelfEvalForm) -> list[Problem]:
        """The executed amounts by source, the indicator lines matched by name, bands and
        lengths."""
        problems = self._check_money(form)
        bands = self._band_labels(form.project)
        matched, line_problems = self.match_lines(form, form.lines)
        problems += line_problems
        for index, line in matched:
            band = line.get("band")
            if band:
                band = line["band"] = unicodedata.normalize("NFKC", band).strip()
                if band not in bands:
                    problems.append(
                        form.at_indicator(
                            index,
                            "band",
                            _("完成档次“%(v)s”应为 %(a)s 之一")
                            % {"v": band, "a": "、".join(bands)},
                        )
                    )
            for key, limit in TEXT_LIMITS.items():
                if len(line.get(key) or "") > limit:
                    problems.append(form.at_indicator(index, key, too_long(line[key], limit)))
        return problems

    def _check_money(self, form: SelfEvalForm) -> list[Problem]:
        """全年执行数 by source; a total alone is taken only for a project funded from one
        source, and a total that disagrees with its sources is an error."""
        given = {
            k: (form.money.get(k) or {}).get("executed")
            for k in SOURCE_KEYS
            if f"executed:{k}" in form.present
        }
        total = (form.money.get("total") or {}).get("executed")
        has_total = "executed:total" in form.present
        form.executed = dict(given)
        if any(v is not None for v in given.values()):
            parts = sum((v for v in given.values() if v is not None), Decimal(0))
            if has_total and total is not None and parts != total:
                return [
                    form.where(
                        "executed:total",
                        _(
                            "各资金来源的全年执行数合计 %(p)s 万元，与年度资金总额的全年执行数 %(t)s 万元不一致"
                        )
                        % {"p": plain(parts.normalize()), "t": plain(total.normalize())},
                    )
                ]
            return []
        if not has_total:
            return []
        if total is None:
            form.executed.update({k: None for k in SOURCE_KEYS})
            return []
        project = form.project
        funded = [
            k
            for k in SOURCE_KEYS
            if getattr(project, f"full_{k}") or getattr(project, f"initial_{k}")
        ]
        if len(funded) > 1:
            return [
                form.where(
                    "executed:total",
                    _(
                        "项目有多个资金来源，请按资金来源（当年财政拨款、上年结转资金、其他资金）填写全年执行数"
                    ),
                )
            ]
        source = funded[0] if funded else "current"
        form.executed = {k: (total if k == source else None) for k in SOURCE_KEYS}
        return []

    # --- saving ------------------------------------------------------------------------------

    def save(self, rows: list[Row]) -> tuple[int, int]:
        """Fill the tables a chunk of `CHUNK` at a time, each as `services.selfeval_save` fills
        one (starting a table first as `selfeval_create` does), in a fixed number of queries per
        chunk: the new tables planned from their targets and payments (`plan_starts`) and
        inserted once filled and scored; the stored ones read again under lock with their lines,
        filled, scored and written back with one executemany UPDATE per table
        (`core.bulkupdate.update_many`); scored by the rules of each region and year
        (`services.Scorer`, as `jixiao rescore`). A value a table cannot take is refused at its
        row, and the import writes nothing. The file is one audit batch entry: a change per
        table (`create` or `update`, before and after)."""
        counts = [0, 0]
        state = {"scorer": Scorer(), "locks": {}, "counts": counts}
        message = lazy(
            lambda: (
                _("导入项目自评表：新增 %(c)s 份，更新 %(u)s 份") % {"c": counts[0], "u": counts[1]}
            ),
            str,
        )()
        audit.record_batch(
            self._written(rows, state),
            actor=self.actor,
            object_type=SelfEvaluation._meta.label_lower,
            region_code=self.region.code,
            message=message,
        )
        return counts[0], counts[1]

    def _written(self, rows: list[Row], state: dict):
        """The audit changes of the tables written, chunk by chunk (see `save`)."""
        for start in range(0, len(rows), CHUNK):
            with collector_paused():
                changes = self._write_chunk(rows[start : start + CHUNK], state)
            yield from changes

    def _write_chunk(self, rows: list[Row], state: dict) -> list[audit.Change]:
        new = [row for row in rows if row.values["form"].selfeval is None]
        stored = [row for row in rows if row.values["form"].selfeval is not None]
        filed = {row.values["form"].project.pk: row for row in new}
        planned, refused = plan_starts(list(filed), editor_of=None, locks=state["locks"])
        for refusal in refused:  # matched moments ago: only if another writer came between
            with filed[refusal.project.pk].located():
                raise refusal.error
        planned = {selfeval.project_id: (selfeval, lines) for selfeval, lines in planned}
        ids = [row.values["form"].selfeval.pk for row in stored]
        locked = (
            SelfEvaluation.objects.filter(pk__in=ids)
            .select_related("project", "unit", "region", "target")
            .defer("result")
            .select_for_update(of=("self",))
            .in_bulk()
        )
        lines_of = defaultdict(list)
        for line in SelfEvalIndicator.objects.filter(selfeval_id__in=ids).order_by(
            "selfeval_id", "position"
        ):
            lines_of[line.selfeval_id].append(line)
        now = timezone.now()
        changes, written = [], []
        for row in rows:
            form = row.values["form"]
            if form.selfeval is None:
                selfeval, lines = planned[form.project.pk]
                before = None
            else:
                selfeval = locked[form.selfeval.pk]
                lines = lines_of[selfeval.pk]
                before = audit.snapshot(selfeval)
            with row.located():
                if before is not None:
                    error = edit_error(selfeval, None, state["locks"])
                    if error is not None:
                        raise error
                self._fill(form, selfeval, lines)
            state["scorer"](selfeval, lines)
            selfeval.updated_at = now
            after = audit.snapshot(selfeval)
            if before is None:
                changes.append(audit.Change(action="create", instance=selfeval, after=after))
            elif after != before:
                changes.append(
                    audit.Change(action="update", instance=selfeval, before=before, after=after)
                )
            if before is not None:
                written.append((selfeval, lines))
        insert_started(list(planned.values()))
        # as_is: the decimals, texts and ids are already what their columns take (as the
        # re-scoring writes them); preparing each by its field was a tenth of the import
        update_many(SelfEvaluation, [s for s, _lines in written], WRITTEN_FIELDS, as_is=True)
        lines = [x for _s, lines in written for x in lines]
        update_many(SelfEvalIndicator, lines, LINE_FIELDS, as_is=True)
        figures_cache.changed({(s.region_id, s.year) for s, _lines in written})
        uncycled(locked.values())  # read with their projects: freed at once, not collected
        state["counts"][0] += len(planned)
        state["counts"][1] += len(written)
        return changes

    def _fill(self, form: SelfEvalForm, selfeval: SelfEvaluation, lines) -> None:
        """The table's values on its self-evaluation and lines, in memory, as the earlier
        one-table path saved and read them back: the unit's own scores, then what
        `selfeval_save` takes (`form_rows`)."""
        if "self_execution_score" in form.present:
            selfeval.self_execution_score = form.self_execution_score
        if "self_total" in form.present:
            selfeval.self_total = form.self_total
        as_stored(selfeval, (*OWN_SCORES, *(f"executed_{k}" for k in SOURCE_KEYS)))
        selfeval_fill(
            selfeval,
            lines,
            executed=form.executed,
            goal_achieved=(
                form.goal_achieved if "goal_achieved" in form.present else selfeval.goal_achieved
            ),
            report=form.report if "report" in form.present else selfeval.report,
            rows=form_rows(form),
        )
        for line in lines:
            as_stored(line, LINE_SCORES)


def form_rows(form: SelfEvalForm) -> list[dict]:
    """A matched table's indicator lines as `selfeval_save` takes them: the stored line's
    position and what the file gave (a blank 分值 keeps the target's weight)."""
    return [
        {
            "position": position,
            **{
                k: line[k] for k in ROW_KEYS if k in line and (k != "weight" or line[k] is not None)
            },
        }
        for position, line in zip(form.positions, form.indicators, strict=True)
    ]


def _key_of(form: SelfEvalForm) -> str:
    return "project_code" if form.project_code else "project_name"


def _source_key(label) -> str | None:
    if not isinstance(label, str):
        return None
    if label.strip() in SOURCE_KEYS:
        return label.strip()
    key = label_key(label, MONEY_ROW_LABELS)
    return key if key in SOURCE_KEYS else None


def _money_of(budget, form: SelfEvalForm, problem, problems: list[Problem]) -> None:
    if not isinstance(budget, dict):
        return
    if "executed" in budget:
        form.present.add("executed:total")
        form.money["total"] = {
            "executed": _amount(budget["executed"], "budget.executed", problem, problems)
        }
    if "self_score" in budget:
        form.present.add("self_execution_score")
        form.self_execution_score = _score(
            budget["self_score"], "budget.self_score", problem, problems
        )
    for index, row in enumerate(budget.get("sources") or []):
        field = f"budget.sources[{index}]"
        key = _source_key(row.get("source"))
        if key is None:
            problems.append(
                problem(
                    f"{field}.source",
                    _("资金来源“%(v)s”应为当年财政拨款、上年结转资金或其他资金")
                    % {"v": row.get("source")},
                )
            )
            continue
        if "executed" not in row:
            continue
        if f"executed:{key}" in form.present:
            problems.append(
                problem(f"{field}.source", _("资金来源“%(v)s”重复") % {"v": row.get("source")})
            )
            continue
        form.present.add(f"executed:{key}")
        form.cells[f"executed:{key}"] = (form.cells["title"][0], "", f"{field}.executed")
        form.money[key] = {
            "executed": _amount(row["executed"], f"{field}.executed", problem, problems)
        }


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _amount(value, field: str, problem, problems: list[Problem]) -> Decimal | None:
    try:
        return non_negative_money(value)
    except CellError as exc:
        problems.append(problem(field, str(exc)))
        return None


def _score(value, field: str, problem, problems: list[Problem]) -> Decimal | None:
    try:
        return read_score(value)
    except ValueError as exc:
        problems.append(problem(field, str(exc)))
        return None
