"""Import of target declarations (绩效目标申报表) from the official xlsx form or schemas/target
JSON: `jixiao import targets FILE`, and the import page of the targets list.

One file, one transaction (DESIGN.md, Import and export): every declaration in the file is
read, matched and linted first; only when nothing at all is wrong are they written, in bulk.
A declaration creates its project's (or unit's) target, or replaces a draft or returned one;
a target already submitted or approved is never touched (its row in the file is an error).

Who may import (DOMAIN.md §3): declaring is the unit filer's right, so a filer imports the
targets of their own unit and its level-2 units, on the page or with `--user`. The budget and
performance offices may import region-wide (代录: a bureau collecting the units' files, or
loading a year at roll-out) through the CLI, whose default account is the budget office: the
targets land as drafts, so each unit's leader still attests and submits them (§4.5) and no
bureau text passes review without the unit. The page import is for filers only
(`as_filer=True`): on screen the bureau reviews what units write, it does not write it.

Speed and memory (a province's 10,000 declarations): the file is read, checked and written a
chunk of declarations at a time (`CHUNK`) inside the one transaction, so it is never held whole;
a chunk is written only while nothing in the file so far is wrong, the rest is still read and
checked, and every problem of the file is listed at the end (nothing is then written). Values
are parsed once per distinct text and catalogue names placed once per distinct pair; each
declaration is linted by the pure lint from the parsed rows, without the per-target context
queries of `adapters.lint_target` (T13/T15/T17 are refreshed when the target is next saved);
targets and indicators are written with bulk inserts, and the audit gets one batch entry holding
every target's change (`audit.record_batch`, fed chunk by chunk). A large file
(`JIXIAO_IMPORT_READ_AHEAD_BYTES`) is read in a second process (`core.readahead`: the archive's
checks, calamine and the forms, none of which needs the database) while this one checks and
writes the chunk before: on two cores the import then takes about the longer of the two, not
their sum; what it stores and every message are the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from itertools import chain, islice, repeat

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from jixiao.budgets.models import FiscalYear, Project
from jixiao.core import audit
from jixiao.core.bulkupdate import AS_IS, update_many
from jixiao.core.collector import gc_paused
from jixiao.core.document_imports import DocumentImporter, json_form, json_problem
from jixiao.core.imports import (
    JSON_SHEET,
    CellError,
    Row,
    StreamedRows,
    non_negative_money,
    register_importer,
    too_long,
)
from jixiao.core.readahead import ReadAhead, growing
from jixiao.core.rulebook import rules_for
from jixiao.core.tabular import InputRejected, Problem, ProblemLog
from jixiao.indicators.catalogue import CLASSIC_CATALOGUE, place_indicator
from jixiao.indicators.incidents import may_say_none
from jixiao.indicators.values import parse_target_value
from jixiao.orgs import filing
from jixiao.orgs.models import Region, Unit
from jixiao.orgs.review import EDITABLE

from .adapters import finding_dict
from .declaration import Amounts, Declaration, IndicatorLine, LintContext, declaration_from_data
from .excel import TEXT_LIMITS, read_form
from .excel import DeclarationForm as Form
from .lint import lint
from .models import Basis, Indicator, Target
from .services import INDICATOR_FIELDS, delete_indicators

AMOUNT_KEYS = ("total", "current", "carryover", "other")
BASES = frozenset(Basis.values)
#: Declarations read, checked and written at a time: a chunk's queries are a few (projects,
#: units, targets, closed years, the inserts), its forms and rows are let go once written.
CHUNK = 500
#: The first chunk when the file is read ahead in a second process (`core.readahead`): the
#: checks start once these are read, not a whole chunk (a province's first 500 forms: 0.3 s),
#: and the chunks grow to `CHUNK` as fast as the reading stays ahead (`readahead.growing`).
FIRST_CHUNK = 100
#: Words of the messages, translated when a message is made (not once a form).
_UNIT, _PROJECT = gettext_lazy("单位"), gettext_lazy("项目")
_UNIT_CODE, _PROJECT_CODE = gettext_lazy("单位编码"), gettext_lazy("项目编码")


@register_importer
class TargetImporter(DocumentImporter):
    """Declarations in the form's block layout (one per worksheet) or as schemas/target JSON."""

    kind = "targets"
    title = gettext_lazy("绩效目标")
    noun = gettext_lazy("申报表")
    form_title = gettext_lazy("绩效目标申报表")
    filing = filing

    def __init__(self, *, actor, region=None, year: int | None = None, as_filer: bool = False):
        super().__init__(actor=actor, region=region, year=year, as_filer=as_filer)
        self._values: dict[tuple, object] = {}
        self._places: dict[tuple, object] = {}
        self._rules: dict[tuple, tuple[Mapping, Mapping, dict]] = {}
        self._row_values: dict[int, dict] = {}
        self._forms = iter(())
        self._sheet_words: tuple[str | None, str] = ("", "")

    # --- reading ---------------------------------------------------------------------------

    def read(self, data: bytes, filename: str) -> tuple[StreamedRows, list[Problem]]:
        """Only open the file (an archive's checks, a JSON file parsed; in the reading process
        when it reads ahead): its forms are read a chunk at a time as they are checked and
        written (`save`)."""
        self._forms = self.forms_read_ahead(data, filename, self._chunk_sizes())
        return StreamedRows(), []

    @staticmethod
    def _chunk_sizes():
        """The chunks' sizes when the file is read ahead: the reading process's batches."""
        return growing(min(FIRST_CHUNK, CHUNK), CHUNK)

    def read_form(self, sheet) -> tuple[Form | None, list[Problem]]:
        return read_form(sheet, default_year=self.year)

    def where_text(self, form: Form) -> str:
        """A form's worksheet, in a message, with the words translated once per language:
        `once_per_file` asks for every form's (a gettext call costs more than the rest of
        matching it)."""
        if form.sheet == JSON_SHEET:
            return super().where_text(form)
        language = get_language()
        if self._sheet_words[0] != language:
            self._sheet_words = (language, _("工作表“%(s)s”"))
        return self._sheet_words[1] % {"s": form.sheet}

    @staticmethod
    def from_data(item) -> tuple[Declaration | None, list]:
        # the rules' own catalogue places the rows later (`check_form`)
        return declaration_from_data(item, catalogue=CLASSIC_CATALOGUE)

    def identified(self, form: Form) -> bool:
        return form.year is not None and bool(form.unit_code if form.is_unit else form.project_code)

    def form_from_item(
        self, parsed: Declaration, item: dict, number: int
    ) -> tuple[Form, list[Problem]]:
        """A schemas/target object (checked by `declaration_from_data`) as a form, with the
        checks the form's cells get: codes, money, lengths, weights."""
        problems: list[Problem] = []

        def problem(field: str, message: str) -> None:
            problems.append(json_problem(number, field, message))

        identity = (
            ("unit_code", "unit.code")
            if parsed.is_unit_target
            else ("project_code", "project.code")
        )
        form = json_form(
            Form, number, {"title": "year", "region": "region", identity[0]: identity[1]}
        )
        form.year = parsed.year
        if form.year is None or not 2000 <= form.year <= 2100:
            problem("year", _("缺少有效的年度（year，如 2022）"))
        form.region_code = _text(item.get("region")).split(" ")[0]
        form.is_unit = parsed.is_unit_target
        if form.is_unit:
            form.unit_code = _text((item.get("unit") or {}).get("code"))
            if not form.unit_code:
                problem("unit.code", _("部门整体目标须有单位编码（unit.code）"))
        else:
            form.project_code = _text(item["project"].get("code"))
            if not form.project_code:
                problem("project.code", _("须有项目编码（project.code）"))
        amounts = item.get("amounts") or {}
        for key in AMOUNT_KEYS:
            try:
                form.amounts[key] = non_negative_money(amounts.get(key))
            except CellError as exc:
                problem(f"amounts.{key}", str(exc))
        form.goal = _text(parsed.goal)
        form.medium_term_goal = _text(parsed.medium_term_goal)
        form.serves_public = parsed.serves_public is not False
        for index, (row, line) in enumerate(
            zip(item["indicators"], parsed.indicators, strict=True)
        ):
            self._json_line(form, row, line, f"indicators[{index}]", problem)
            form.indicator_rows.append(number)
        del form.indicator_rows[len(form.indicators) :]
        return form, problems

    @staticmethod
    def _json_line(form: Form, row: dict, parsed: IndicatorLine, field: str, problem) -> None:
        """One indicator object as the form's row: its texts within their columns' lengths and
        its weight between 0 and 1000; an empty row is left out, as on the form."""
        target = row.get("target", row.get("value_text"))
        texts = {
            **{k: row.get(k) for k in ("category", "subcategory", "name", "unit", "explanation")},
            "source": row.get("source"),
            "value_text": parsed.value.original if isinstance(target, dict) else target,
        }
        line = {}
        for key, value in texts.items():
            line[key] = _text(value)
            if len(line[key]) > TEXT_LIMITS[key]:
                problem(f"{field}.{'target' if key == 'value_text' else key}",
                        too_long(line[key], TEXT_LIMITS[key]))  # fmt: skip
        line["basis"] = _text(row.get("basis"))
        weight = parsed.weight
        if weight is not None and not 0 <= weight < 1000:
            problem(
                f"{field}.weight",
                _("分值“%(v)s”应为 0 到 1000 之间的数字") % {"v": row.get("weight")},
            )
        line["weight"] = None if weight is None else weight.quantize(Decimal("0.01"))
        if any(line[k] for k in ("category", "subcategory", "name", "value_text")):
            form.indicators.append(line)
            form.indicator_rows.append(form.cells["title"][0])

    # --- checking: match, scope, state, catalogue, values, lint ------------------------------

    def check(self, rows: StreamedRows) -> list[Problem]:
        """Whether the actor may import here; the forms are checked as they are read (`save`)."""
        refused = self.refused()
        if refused:  # the forms will not be read
            self.close_forms(self._forms)
        return refused

    def _check_chunk(self, chunk: list[Row], log: _Problems) -> list[Form]:
        """Route, match and check a chunk's forms (`DocumentImporter.check`, a chunk at a
        time); the forms that may be written."""
        self._row_values = {id(row.values["form"]): row.values for row in chunk}
        log.cells += (p for row in chunk for p in row.values["problems"])
        forms, route_problems = self.route([row.values["form"] for row in chunk])
        matched, match_problems = self.match(forms)
        log.route += route_problems
        log.match += match_problems
        for form in matched:
            log.check += self.check_form(form)
        return matched

    def match(self, forms: list[Form]) -> tuple[list[Form], list[Problem]]:
        """Find each form's project (or unit) in the region and year, within the actor's
        scope, once per file, and its current target, in an open year; one query per kind."""
        matched, problems = self._match(forms)
        refused = self._match_targets(matched)
        open_ = [f for f in matched if id(f) not in refused]
        refused.update(self._check_years(open_))
        problems += refused.values()
        return [f for f in matched if id(f) not in refused], problems

    def _match(self, forms: list[Form]) -> tuple[list[Form], list[Problem]]:
        base = self.region.path
        years = {f.year for f in forms}
        projects = defaultdict(list)
        for p in _with_region_and_unit(
            Project.objects.visible_to(self.actor)
            .filter(region__path__startswith=base, year__in=years)
            .filter(self._candidates([f for f in forms if not f.is_unit]))
            .only(*_PROJECT_READ)
        ):
            projects[(p.year, p.code)].append(p)
        units = defaultdict(list)
        for u in (
            Unit.objects.visible_to(self.actor)
            .filter(
                region__path__startswith=base, code__in={f.unit_code for f in forms if f.is_unit}
            )
            .select_related("region")
        ):
            units[u.code].append(u)
        matched, problems = [], []
        for form in forms:
            problem = (
                self._match_unit(form, units)
                if form.is_unit
                else self._match_project(form, projects)
            )
            if problem is None:
                key = (form.project.pk if form.project else None, form.unit.pk, form.year)
                problem = self.once_per_file(
                    form,
                    "unit_code" if form.is_unit else "project_code",
                    key,
                    _UNIT if form.is_unit else _PROJECT,
                )
            if problem:
                problems.append(problem)
            else:
                matched.append(form)
        return matched, problems

    def _candidates(self, forms: list[Form]) -> Q:
        """The projects the forms may name: a form that names its region (区划) only that
        region's project of its code, the others every project of their code. A province's
        districts share their project codes, so a chunk's codes alone would load every
        district's projects (and a chunk of 500 forms, 25 times as many projects as forms)."""
        named = {id(f): self.named_region(f) for f in forms}
        placed = [f for f in forms if named[id(f)] is not None]
        return Q(
            region_id__in={named[id(f)].pk for f in placed},
            code__in={f.project_code for f in placed},
        ) | Q(code__in={f.project_code for f in forms if named[id(f)] is None})

    def _pick(self, form: Form, candidates: list, label: str, code: str):
        named = self.named_region(form)
        if named is not None:
            candidates = [c for c in candidates if c.region_id == named.pk]
        allowed = [
            c
            for c in candidates
            if self.may_file(c.pk if form.is_unit else c.unit_id, c.region.path)
        ]
        key = "unit_code" if form.is_unit else "project_code"
        if not allowed:
            return None, form.where(
                key,
                _("在 %(y)s 年度%(r)s找不到您可填报的%(l)s“%(c)s”")
                % {"y": form.year, "r": self.region_of(form).name, "l": label, "c": code},
            )
        if len(allowed) > 1:
            return None, form.where(
                key,
                _("%(l)s“%(c)s”在多个区县都有，请在“区划”中填写区划代码") % {"l": label, "c": code},
            )
        return allowed[0], None

    def _match_project(self, form: Form, projects) -> Problem | None:
        form.project, problem = self._pick(
            form, projects.get((form.year, form.project_code), []), _PROJECT_CODE, form.project_code
        )
        if form.project is not None:
            form.unit, form.target_region = form.project.unit, form.project.region
        return problem

    def _match_unit(self, form: Form, units) -> Problem | None:
        unit, problem = self._pick(form, units.get(form.unit_code, []), _UNIT_CODE, form.unit_code)
        form.project, form.unit = None, unit
        if unit is not None:
            form.target_region = unit.region
        return problem

    def _match_targets(self, forms: list[Form]) -> dict[int, Problem]:
        """The current target of each form: none (create), draft or returned (replace), or
        anything else, which the import must not touch (a problem, by the form's id)."""
        current = Target.objects.current()
        by_project = defaultdict(list)
        project_ids = [f.project.pk for f in forms if f.project]
        for t in current.filter(project_id__in=project_ids):
            by_project[t.project_id].append(t)
        by_unit = defaultdict(list)
        unit_keys = {(f.unit.pk, f.year) for f in forms if f.is_unit}
        if unit_keys:
            for t in current.filter(project__isnull=True, unit_id__in={u for u, _y in unit_keys}):
                by_unit[(t.unit_id, t.year)].append(t)
        problems = {}
        for form in forms:
            targets = (
                by_unit[(form.unit.pk, form.year)] if form.is_unit else by_project[form.project.pk]
            )
            editable = [t for t in targets if t.status in EDITABLE]
            form.existing = max(editable, key=lambda t: t.version) if editable else None
            if targets and not editable:
                shown = max(targets, key=lambda t: t.version)
                problems[id(form)] = form.where(
                    "unit_code" if form.is_unit else "project_code",
                    _(
                        "该%(w)s的绩效目标处于“%(s)s”状态，不能通过导入修改"
                        "（只能导入新目标，或替换草稿、已退回的目标）"
                    )
                    % {
                        "w": _("单位") if form.is_unit else _("项目"),
                        "s": shown.get_status_display(),
                    },
                )
        return problems

    def _check_years(self, forms: list[Form]) -> dict[int, Problem]:
        keys = {(f.target_region.pk, f.year) for f in forms}
        closed = set(
            FiscalYear.objects.filter(status=FiscalYear.Status.CLOSED)
            .filter(region_id__in={r for r, _y in keys}, year__in={y for _r, y in keys})
            .values_list("region_id", "year")
        )
        return {
            id(form): form.where(
                "title", _("%(y)s 年度已关闭，不能导入绩效目标。") % {"y": form.year}
            )
            for form in forms
            if (form.target_region.pk, form.year) in closed
        }

    def _rules_of(self, form: Form) -> tuple[Mapping, Mapping, dict]:
        """The lint's and the catalogue's sections and the catalogue's categories, once per
        region and year. The sections are the rulebook version's shared read-only ones
        (`Rules.frozen_section`, as a save lints): a province's districts without rules of
        their own share one version, so the lint's row facts and answers found in one district
        serve the next, where copies of the sections (one per district) found none of them."""
        key = (form.target_region.pk, form.year)
        if key not in self._rules:
            rules = rules_for(form.target_region.lineage_codes, form.year)
            catalogue = rules.frozen_section("catalogue")
            categories = dict(catalogue.get("categories", catalogue))
            self._rules[key] = (rules.frozen_section("lint"), catalogue, categories)
        return self._rules[key]

    def check_form(self, form: Form) -> list[Problem]:
        """Place and parse the indicator rows, and lint the declaration (pure, no queries).
        A form with cells that could not be read is not linted: the lint would judge half a
        form, and its cells' problems are already listed."""
        values = self._row_values[id(form)]
        if values["problems"]:
            return []
        rules, catalogue, categories = self._rules_of(form)
        fields, lines, problems = [], [], []
        places, indicator, year = self._places, self._indicator, form.year
        for index, row in enumerate(form.indicators):
            placed, problem = places.get((row["category"], row["subcategory"])) or self._place(
                row, categories
            )
            if problem:
                problems.append(form.at_indicator(index, "category", problem))
                continue
            stored, line = indicator(row, placed, year)
            fields.append(stored)
            lines.append(line)
        if problems:
            return problems
        amounts = dict(form.amounts)
        if form.project is not None and all(amounts.get(k) is None for k in AMOUNT_KEYS):
            p = form.project  # as target_create: a form without money takes the initial budget
            amounts = {
                "total": p.initial_total,
                "current": p.initial_current,
                "carryover": p.initial_carryover,
                "other": p.initial_other,
            }
        declaration = Declaration(
            goal=form.goal.strip() or None,
            medium_term_goal=form.medium_term_goal.strip() or None,
            amounts=Amounts(**{k: amounts.get(k) for k in AMOUNT_KEYS}),
            indicators=tuple(lines),
            serves_public=form.serves_public,
            year=form.year,
            project_name=form.project.name if form.project else None,
            is_unit_target=form.project is None,
        )
        result = lint(declaration, rules=rules, catalogue=catalogue, context=LintContext())
        values.update(
            amounts=amounts,
            indicators=fields,
            findings=[finding_dict(f) for f in result.findings],
            blocking=sum(1 for f in result.findings if f.blocking),
        )
        form.indicators = []  # read into `fields`: a province's 120,000 rows are not kept twice
        return []

    def _place(self, row: dict, categories: dict):
        key = (row["category"], row["subcategory"])
        if key not in self._places:
            placement = place_indicator(row["category"], row["subcategory"], categories)
            unplaced = placement.category is None or (
                placement.subcategory is None and bool(row["subcategory"])
            )
            problem = None
            if unplaced:
                names = "；".join(f"{c}：{'、'.join(subs)}" for c, subs in categories.items())
                problem = _("%(p)s（指标体系：%(n)s）") % {
                    "p": "；".join(placement.problems),
                    "n": names,
                }
            self._places[key] = (placement, problem)
        return self._places[key]

    def _parse(self, text: str, category: str, subcategory: str, year: int, unit: str, name=None):
        """The value read by the row's name too ("无" on an incident count is "= 0", as every
        reader reads it: jixiao.indicators.values), remembered for rows that repeat: by the
        text alone unless the text may say none, where the name decides."""
        key = (text, category, subcategory, year, unit)
        value = self._values.get(key)
        if value is None:
            # a text that may say none keeps its values by name (a dict), the others one value,
            # read without the name, which changes only a text that may say none
            value = {} if may_say_none(text) else self._parse_new(key, None)
            self._values[key] = value
        if type(value) is not dict:
            return value
        if name not in value:
            value[name] = self._parse_new(key, name)
        return value[name]

    @staticmethod
    def _parse_new(key: tuple, name):
        text, category, subcategory, year, unit = key
        return parse_target_value(
            text, category=category, subcategory=subcategory, year=year, unit=unit or None,
            name=name,
        )  # fmt: skip

    def _indicator(self, row: dict, placement, year: int) -> tuple[tuple, IndicatorLine]:
        """The row as the values of Indicator's `ROW_FIELDS`, as `adapters.parse_rows` makes
        them (category names placed in the catalogue), and the line the lint reads, as
        `adapters.line_of` makes it but with the value as parsed from the file (not parsed
        again with its stored unit)."""
        category = placement.category
        subcategory = placement.subcategory or row["subcategory"]
        text, text_unit = row["value_text"], row["unit"]
        value = self._values.get((text, category, subcategory, year, text_unit))
        if value is None or type(value) is dict:  # not read yet, or read by name (`_parse`)
            value = self._parse(text, category, subcategory, year, text_unit, row["name"])
        unit = text_unit or (value.unit or "")[:20]
        basis = row["basis"]
        if basis and basis not in BASES:
            basis = basis + "标准" if basis + "标准" in BASES else Basis.OTHER
        number = value.number
        stored = (  # ROW_FIELDS
            category,
            subcategory,
            row["name"],
            row["value_text"],
            unit,
            row["weight"],
            row["explanation"],
            basis,
            row["source"],
            _operator_text(value.operator),
            number if number is not None and -_TOO_LARGE < number < _TOO_LARGE else None,
            value.deadline,
        )
        line = _new_line(IndicatorLine)  # `IndicatorLine(...)`, its fields set at once
        line.__dict__.update(
            category=category,
            subcategory=subcategory,
            name=row["name"],
            value=value,
            weight=row["weight"],
            unit=unit or None,
            explanation=row["explanation"] or None,
            basis=basis or None,
            source=row["source"] or None,
            parent_indicator=None,
            placement=placement,
        )
        return stored, line

    # --- saving ------------------------------------------------------------------------------

    def save(self, rows: StreamedRows) -> tuple[int, int]:
        """Read, check and write the declarations a chunk at a time, in the import's one
        transaction: a chunk is written while nothing in the file so far is wrong; after a
        problem the rest is still read and checked, not written, and every problem of the file
        is raised at the end (so the transaction writes nothing). The audit's one batch entry
        takes each written target's change as it comes."""
        self._written = [0, 0]
        self._now = timezone.now()
        message = lazy(lambda: _("导入绩效目标：%(n)s 份") % {"n": len(rows)}, str)()
        with gc_paused():
            audit.record_batch(
                self._stream(rows), actor=self.actor, message=message, region_code=self.region.code
            )
        return self._written[0], self._written[1]

    def _stream(self, rows: StreamedRows):
        """The audit changes of the targets written, chunk by chunk (see `save`)."""
        log = _Problems()
        self._seen = {}
        read = self.rows_of(self._forms, log.read)
        sizes = self._chunk_sizes() if isinstance(self._forms, ReadAhead) else repeat(CHUNK)
        try:
            while chunk := list(islice(read, next(sizes))):
                rows.count += len(chunk)
                matched = self._check_chunk(chunk, log)
                if not log:
                    yield from self._write_chunk(matched)
                del chunk, matched  # the chunk's forms and rows are let go
                self._row_values = {}
        finally:  # a write that failed leaves forms unread
            self.close_forms(self._forms)
        if not rows.count and not log.read:
            log.read.append(self.no_forms())
        if log:
            raise InputRejected(log.all())

    def _write_chunk(self, forms: list[Form]):
        """Write a checked chunk; its targets' audit changes. A new target is written from its
        row of values (`_NewTargets`), never a model instance: a province's 10,000 instances
        cost more CPU than their inserts; a replaced draft is the instance locked."""
        forms = [(form, self._row_values[id(form)]) for form in forms]
        replaced = self._lock_replaced([f for f, _v in forms if f.existing is not None])
        new = _NewTargets(getattr(self.actor, "pk", None))
        updated = []
        for form, values in forms:
            if form.existing is None:
                new.add(form, values)
                continue
            target = replaced.get(form.existing.pk)
            target.goal, target.medium_term_goal = form.goal.strip(), form.medium_term_goal.strip()
            for key in AMOUNT_KEYS:
                setattr(target, f"amount_{key}", values["amounts"].get(key))
            target.serves_public = form.serves_public
            target.findings = values["findings"]
            target.finding_codes = Target.codes_of(values["findings"])
            target.blocking_count = values["blocking"]
            target.warning_count = len(values["findings"]) - values["blocking"]
            target.updated_at = self._now
            values["target"], values["target_id"] = target, target.pk
            updated.append(target)
        before = _indicator_snapshots([t.pk for t in updated])
        if updated:
            delete_indicators(Indicator.objects.filter(target__in=updated))
            # one executemany: Django's bulk_update compiled a CASE per row and field, 1.3-1.8 s
            # of CPU for 500 declarations against 35 ms
            update_many(
                Target,
                updated,
                [
                    "goal",
                    "medium_term_goal",
                    *[f"amount_{k}" for k in AMOUNT_KEYS],
                    "serves_public",
                    "findings",
                    "finding_codes",
                    "blocking_count",
                    "warning_count",
                    "updated_at",
                ],
            )
        new.insert()
        _insert_indicators((values["target_id"], values["indicators"]) for _f, values in forms)
        self._written[0] += len(new.rows)
        self._written[1] += len(updated)
        return _changes(forms, before)

    def _lock_replaced(self, forms: list[Form]) -> dict[int, Target]:
        """Re-check, under lock, that the drafts to replace are still drafts: someone may have
        submitted one since the file was checked."""
        ids = [f.existing.pk for f in forms]
        locked = {
            t.pk: t
            for t in Target.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("project", "unit")
        }
        moved = [
            f
            for f in forms
            if locked.get(f.existing.pk) is None or locked[f.existing.pk].status not in EDITABLE
        ]
        if moved:
            raise InputRejected(
                [
                    f.where(
                        "unit_code" if f.is_unit else "project_code",
                        _("该目标刚被提交或修改，请重新导入。"),
                    )
                    for f in moved
                ]
            )
        for form in forms:
            form.existing_snapshot = audit.snapshot(locked[form.existing.pk])
        return locked


#: A line for the lint is made without the frozen dataclass's `__init__`, which sets each of
#: its 11 fields through `object.__setattr__` (a province's 120,000 rows: 0.3 s of CPU, a
#: quarter of that set at once); `test_import_lines` holds the two to the same line.
_new_line = object.__new__
#: An indicator row as the import keeps it: the fields a user writes, then those of its value.
ROW_FIELDS = (*INDICATOR_FIELDS, "operator", "number", "deadline")
_TOO_LARGE = Decimal(10**17)  # a number past the column's 24 digits (6 decimal) is not stored
_OPERATOR_TEXTS: dict = {}


def _operator_text(operator) -> str:
    """An operator as its column stores it, made once per operator (its enum's `str`)."""
    text = _OPERATOR_TEXTS.get(operator)
    if text is None:
        text = _OPERATOR_TEXTS[operator] = str(operator or "")[:12]
    return text


#: What the import reads of a matched project (its target's keys, the lint's name, the initial
#: budget of a form without money): a province's 10,000 projects, each of some 20 columns
#: (money and times converted one by one on SQLite), were read whole.
_PROJECT_READ = (
    "id",
    "region",
    "year",
    "code",
    "name",
    "unit",
    "initial_current",
    "initial_carryover",
    "initial_other",
)


def _with_region_and_unit(projects) -> list[Project]:
    """The projects, each with its region and unit read once for all of them: a chunk's 500
    projects are in a few districts and units, and `select_related` would build a region and
    a unit instance for each project (a province's 10,000 projects, 20,000 instances)."""
    projects = list(projects)
    if not projects:
        return projects
    regions = Region.objects.in_bulk({p.region_id for p in projects})
    units = Unit.objects.in_bulk({p.unit_id for p in projects})
    region, unit = Project.region.field, Project.unit.field
    for p in projects:
        region.set_cached_value(p, regions[p.region_id])
        unit.set_cached_value(p, units[p.unit_id])
    return projects


def _insert_indicators(grids) -> None:
    """INSERT the indicator rows of (target id, rows) pairs as tuples, in statements of many
    rows: `bulk_create` would build and compile a model instance for each of a province's
    120,000 rows, which takes longer than reading the whole file, and either database runs a
    statement of many rows in a fraction of the time of as many statements of one."""
    rows = [
        [target_id, position, *row]
        for target_id, grid in grids
        for position, row in enumerate(grid)
    ]
    meta = Indicator._meta
    columns = [meta.get_field(name) for name in ("target", "position", *ROW_FIELDS)]
    _prepare(columns, rows)
    with connection.cursor() as cursor:
        _insert_values(cursor, _insert_head(Indicator, columns), len(columns), rows)


#: Rows a statement on PostgreSQL (SQLite takes as many as its 999 parameters allow).
_ROWS_A_STATEMENT = 1000
#: Fields whose None is stored as NULL without their preparing (the others are prepared).
_NONE_AS_IS = frozenset(("DateField", "DateTimeField", "OneToOneField"))
_NOTHING = object()


def _prepare(columns: list, rows: list[list]) -> None:
    """Prepare the values of `rows` (lists, one value a column) in place as `save()` does,
    except those of the kinds `bulkupdate.AS_IS` (as `bulkupdate.insert_rows`) and the NULLs
    of `_NONE_AS_IS` (most of a target's dates, an indicator's deadline)."""
    for i, field in enumerate(columns):
        kind = field.get_internal_type()
        if kind in AS_IS:
            continue
        skip_none = kind in _NONE_AS_IS
        last = prepared = _NOTHING  # rows share values (a chunk's timestamps, parsed dates)
        for row in rows:
            value = row[i]
            if value is None and skip_none:
                continue
            if value is not last:
                last, prepared = value, field.get_db_prep_save(value, connection)
            row[i] = prepared


def _insert_head(model, columns: list) -> str:
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    return f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES "


def _per_statement(width: int) -> int:
    limit = connection.features.max_query_params
    return max(1, limit // width) if limit else _ROWS_A_STATEMENT // 2


def _insert_values(cursor, head: str, width: int, rows: list) -> None:
    """`audit.insert_values` on SQLite; on PostgreSQL the same two statements, the first of
    `_ROWS_A_STATEMENT` rows run for each full part, the second of one row for the rest (the
    number of queries stays the same whatever the number of rows)."""
    if connection.vendor == "sqlite":
        audit.insert_values(cursor, head, width, rows)
        return
    per, one = _ROWS_A_STATEMENT, "(" + ", ".join(["%s"] * width) + ")"
    full = len(rows) - len(rows) % per
    parts = [list(chain.from_iterable(rows[i : i + per])) for i in range(0, full, per)]
    cursor.executemany(head + ", ".join([one] * per), parts)
    cursor.executemany(head + one, rows[full:])


#: A new target's columns (all but its id), and those of its audit snapshot (`audit.snapshot`:
#: all but `audit_exclude`), each with how the audit writes its value (`_as_audited`).
_TARGET_COLUMNS = [f for f in Target._meta.concrete_fields if not f.primary_key]
_TARGET_AT = {f.attname: i for i, f in enumerate(_TARGET_COLUMNS)}


def _as_audited(field):
    """How `audit.snapshot` writes a value of the field (its `_plain`): a decimal or a uuid as
    text, a date or a time in ISO format, the rest as it is; None stays None."""
    if isinstance(field, models.DecimalField | models.UUIDField):
        return str
    if isinstance(field, models.DateField | models.TimeField):  # DateTimeField is a DateField
        return lambda value: value.isoformat()
    return None


_TARGET_SNAPSHOT = [
    (f.attname, _TARGET_AT.get(f.attname), _as_audited(f))
    for f in Target._meta.concrete_fields
    if f.name not in Target.audit_exclude
]


class _NewTargets:
    """A chunk's new targets as rows of `_TARGET_COLUMNS`' values, as `Target(...)` would hold
    them (the defaults, then the form's values), inserted by `_insert_targets`; each form's
    `values` get the target's id and its audit snapshot."""

    def __init__(self, created_by_id):
        # the defaults, made once a chunk: rows share them (a new target's empty grades), as
        # nothing changes them before they are inserted and encoded
        self.template = [f.get_default() for f in _TARGET_COLUMNS]
        self.template[_TARGET_AT["created_by_id"]] = created_by_id
        self.rows, self.values = [], []

    def add(self, form: Form, values: dict) -> None:
        row, at = self.template.copy(), _TARGET_AT
        row[at["region_id"]] = form.target_region.pk
        row[at["year"]] = form.year
        row[at["unit_id"]] = form.unit.pk
        row[at["project_id"]] = form.project.pk if form.project else None
        row[at["goal"]] = form.goal.strip()
        row[at["medium_term_goal"]] = form.medium_term_goal.strip()
        amounts = values["amounts"]
        for key in AMOUNT_KEYS:
            row[at[f"amount_{key}"]] = amounts.get(key)
        row[at["serves_public"]] = form.serves_public
        row[at["findings"]] = values["findings"]
        row[at["finding_codes"]] = Target.codes_of(values["findings"])
        row[at["blocking_count"]] = values["blocking"]
        row[at["warning_count"]] = len(values["findings"]) - values["blocking"]
        values["version"] = row[at["version"]]
        self.rows.append(row)
        self.values.append(values)

    def insert(self) -> None:
        if not self.rows:
            return
        now = timezone.now()  # auto_now_add and auto_now, as `pre_save` sets them
        created, updated = _TARGET_AT["created_at"], _TARGET_AT["updated_at"]
        for row in self.rows:
            row[created] = row[updated] = now
        for values, row in zip(self.values, self.rows, strict=True):
            values["snapshot"] = {  # before `_prepare` turns the values into the columns'
                name: None
                if at is None
                else row[at]
                if plain is None or row[at] is None
                else plain(row[at])
                for name, at, plain in _TARGET_SNAPSHOT
            }
        for values, pk in zip(self.values, _insert_targets(self.rows), strict=True):
            values["target_id"] = values["snapshot"]["id"] = pk


def _insert_targets(rows: list[list]) -> list[int]:
    """INSERT new targets' rows (of `_TARGET_COLUMNS`) as statements of many rows and read
    their ids back (RETURNING, in the order of the rows, as `bulk_create` reads them on both
    databases). `bulk_create` compiles every value of every row through the ORM: a
    province's 10,000 targets of some 30 columns cost more CPU than their indicators. Values
    are prepared as `_prepare` says."""
    _prepare(_TARGET_COLUMNS, rows)
    per = _per_statement(len(_TARGET_COLUMNS))
    head = _insert_head(Target, _TARGET_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(_TARGET_COLUMNS)) + ")"
    returning = f" RETURNING {connection.ops.quote_name(Target._meta.pk.column)}"
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            cursor.execute(
                head + ", ".join([one] * len(part)) + returning, list(chain.from_iterable(part))
            )
            ids += [pk for (pk,) in cursor.fetchall()]
    if len(ids) != len(rows):
        raise AssertionError("an insert returned fewer ids than it had rows")
    return ids


def _snapshot_of(fields: dict) -> dict:
    return {f: None if fields.get(f) is None else str(fields.get(f)) for f in INDICATOR_FIELDS}


def _row_snapshot(row: tuple) -> dict:
    """`_snapshot_of` an indicator row of `ROW_FIELDS` (the user's fields come first). Of
    those, `_indicator` makes every one a text but the weight (a Decimal or None), so only
    the weight is turned into text: a province's 120,000 rows."""
    snapshot = dict(zip(INDICATOR_FIELDS, row, strict=False))  # up to the user's last field
    weight = row[_WEIGHT_AT]
    if weight is not None and type(weight) is not str:
        snapshot["weight"] = str(weight)
    return snapshot


_WEIGHT_AT = INDICATOR_FIELDS.index("weight")


def _indicator_snapshots(target_ids: list[int]) -> dict[int, list[dict]]:
    snapshots = defaultdict(list)
    if target_ids:
        for row in (
            Indicator.objects.filter(target_id__in=target_ids)
            .order_by("target_id", "position")
            .values("target_id", *INDICATOR_FIELDS)
        ):
            snapshots[row["target_id"]].append(_snapshot_of(row))
    return snapshots


def _changes(forms, before: dict[int, list[dict]]):
    """A change per target for the import's batch entry (`audit.record_batch`), its fields
    and indicator grid (and what it replaced): the history of a target shows what the file
    brought in, with who, when, before and after."""
    label = Target._meta.label_lower
    message = _("导入绩效目标（工作表“%(s)s”）")
    for form, values in forms:
        pk, old = values["target_id"], None
        if form.existing is not None:
            target = values["target"]
            snapshot, version = audit.snapshot(target), target.version
            old = {**form.existing_snapshot, "indicators": before.get(pk, [])}
        else:
            snapshot, version = values["snapshot"], values["version"]
        after = {**snapshot, "indicators": [_row_snapshot(row) for row in values["indicators"]]}
        subject = form.project.name if form.project else f"{form.unit.name} 部门整体支出"
        yield audit.Change(
            action="update" if old else "create",
            object_type=label,
            object_id=str(pk),
            object_repr=f"{form.year} {subject} v{version}",
            region_code=form.target_region.code,
            before=old,
            after=after,
            message=message % {"s": form.sheet},
        )


class _Problems:
    """A file's problems as `DocumentImporter.check` lists them, gathered a chunk at a time:
    those of reading, of the forms' cells, of routing, of matching, of the values."""

    def __init__(self):
        self.read, self.cells, self.route = ProblemLog(), ProblemLog(), ProblemLog()
        self.match, self.check = ProblemLog(), ProblemLog()

    def __bool__(self) -> bool:
        return any((self.read, self.cells, self.route, self.match, self.check))

    def all(self) -> ProblemLog:
        problems = ProblemLog(self.read)
        for log in (self.cells, self.route, self.match, self.check):
            problems += log  # in this order, past the cap only counted
        return problems


def _text(value) -> str:
    return "" if value is None else str(value).strip()
