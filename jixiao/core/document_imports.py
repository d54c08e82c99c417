"""The document importer: official forms (one per worksheet) or JSON schema objects, on the
import framework of `core.imports` (one transaction, every problem located).

A stage declares its document's reading (`read_form`, `from_data`, `form_from_item`) and its
checks (`match`, `check_form`); this module reads the file, routes each form to its district by
its 区划代码, matches it once per file, assigns the filers (代录) and lists every problem of the
file at once. See docs/architecture.md, "How to add a new document type".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import readahead
from .exports import national_items
from .imports import JSON_SHEET, Importer, Row, json_items
from .tabular import Problem, ProblemLog, check_second_half, is_archive, read_tables


def plain(value) -> str:
    """A Decimal as people write it in a message ("12.5", not "12.500000")."""
    return "" if value is None else f"{value:f}"


def line_key(name) -> str:
    """An indicator's name as matched against the stored lines: NFKC, no spaces."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name or ""))


class DocumentImporter(Importer):
    """Documents in their official form's block layout (one per worksheet, `read_form`) or as a
    JSON list of schema objects (each read by the pure `from_data`, then `form_from_item`).

    One problem policy: every problem of the file is listed at once. A worksheet or object that
    cannot be read at all, or whose identity is missing (`identified`), is a problem of the
    file; the others go on through `route` (the 区划代码 of each form), `match` (find the stored
    document, within the actor's scope, once per file) and `check_form` (values), each stage
    skipping the forms an earlier one refused. `filing` is `jixiao.orgs.filing` (roles and
    代录), given by the stage, since core knows nothing of roles.
    """

    counts = "tables"

    columns = ()  # a block layout: `read` replaces the column reader
    noun = ""  # the form in short, in messages: "申报表"
    form_title = ""  # the form's full name: "绩效目标申报表"
    filing = None  # jixiao.orgs.filing
    #: `read_form(sheet)` → (form | None, problems); None and no problems: not a form at all.
    read_form: Callable = None
    #: The pure schema reader: item → (parsed dataclass | None, schema errors).
    from_data: Callable = None

    def __init__(self, *, actor, region=None, year: int | None = None, as_filer: bool = False):
        super().__init__(actor=actor, region=region)
        self.year = year  # the year of forms whose title leaves it blank (the page's work year)
        self.as_filer = as_filer
        self._read_problems: list[Problem] = []
        self._seen: dict = {}
        self._regions: dict = {}

    @classmethod
    def for_page(cls, *, actor, region, **kw) -> DocumentImporter:
        """A page's import: a filer's own units only (代录 is the command line's)."""
        if not cls.filing.is_filer(actor):
            raise PermissionDenied(_("只有单位填报人员可以导入%(t)s。") % {"t": cls.title})
        return cls(actor=actor, region=region, as_filer=True, **kw)

    # --- reading ---------------------------------------------------------------------------

    def read(self, data: bytes, filename: str) -> tuple[list[Row], list[Problem]]:
        """Every form of the file as a row; the file's problems wait for `check`, so that one
        run lists everything wrong with it."""
        problems, rows = ProblemLog(), []  # forms read one at a time: problems past the cap
        # are counted, not kept
        for row in self.rows_of(self.forms(data, filename), problems):
            rows.append(row)
        if not rows and not problems:
            problems.append(self.no_forms())
        self._read_problems = problems
        return rows, []

    def forms(
        self, data: bytes, filename: str, rest=None
    ) -> Iterator[tuple[object, list[Problem]]]:
        """Each form of the file with the problems of its cells, read as they are asked for:
        the sheets one at a time (each let go once its form is read: a province's file holds
        10,000), the JSON objects one by one. The file's own faults are raised here, at once.
        `rest`: an archive's second half is checked by another process (`read_tables`)."""
        if filename.lower().endswith(".json"):
            what = _("%(n)s对象") % {"n": self.noun}
            return self._forms_from_json(national_items(self.kind, json_items(data, what=what)))
        return map(self.read_form, read_tables(data, filename, lazy=True, rest=rest))

    def forms_read_ahead(self, data: bytes, filename: str, sizes: Iterable[int]):
        """`forms`, read in a second process while this one checks and writes the forms
        before (`core.readahead`) when the file is large enough; the file's own faults are
        raised here, at once, either way. The reading needs no database: `read_form` and
        `from_data` are pure. The forms come in batches of `sizes` (those of the chunks this
        process checks); `close_forms` stops the reading of forms no longer wanted."""
        if not readahead.wanted(len(data)):
            return self.forms(data, filename)
        if filename.lower().endswith(".json") or not is_archive(data):
            return readahead.read_ahead(lambda: self.forms(data, filename), sizes)
        # an xlsx: while the child checks the first half of the archive, this process checks
        # the second (it would only wait meanwhile: a province's file, 0.7 s of checks)
        return readahead.read_ahead(
            lambda rest: self.forms(data, filename, rest=rest),
            sizes,
            beside=lambda: check_second_half(data),
        )

    @staticmethod
    def close_forms(forms) -> None:
        """Let go of `forms` not read to their end (a reading process is stopped)."""
        close = getattr(forms, "close", None)
        if close is not None:
            close()

    def rows_of(self, forms, problems: ProblemLog) -> Iterator[Row]:
        """Each identified form of `forms` as a row (its cells' problems in its values); the
        problems of the others (unreadable, or missing their identity) go to `problems`."""
        for form, form_problems in forms:
            if form is None or not self.identified(form):
                problems += form_problems
                continue
            cells = form.cells
            found = cells.get("title") or cells.get("project_code") or cells.get("project_name")
            values = {"form": form, "problems": form_problems}
            yield Row(number=(found or (1,))[0] or 1, values=values, sheet=form.sheet)

    def no_forms(self) -> Problem:
        """The problem of a file without any form."""
        return Problem(
            _("文件中没有%(t)s。请使用下载的模板或导出的%(n)s，每个工作表一张%(n)s。")
            % {"t": self.form_title, "n": self.noun}
        )

    def _forms_from_json(self, items: list) -> Iterator[tuple[object, list[Problem]]]:
        for number, item in enumerate(items, start=1):
            parsed, errors = self.from_data(item)
            if errors:
                yield None, [_schema_problem(e, number) for e in errors]
            else:
                yield self.form_from_item(parsed, item, number)

    def form_from_item(self, parsed, item: dict, number: int) -> tuple[object, list[Problem]]:
        """A JSON object (already checked by `from_data`, which gave `parsed`) as a form."""
        raise NotImplementedError

    def identified(self, form) -> bool:
        """Can the form be matched at all? (Its missing identity is already a problem.)"""
        return True

    # --- checking ----------------------------------------------------------------------------

    def refused(self) -> list[Problem]:
        """Why the actor may not import here at all (then nothing else is checked)."""
        if self.region is None:
            return [Problem(_("请指定导入的区划。"))]
        if not self.filing.may_import(self.actor, as_filer=self.as_filer):
            return [
                Problem(
                    _("只有单位填报人员（或经命令行代录的预算股、绩效办）可以导入%(t)s。")
                    % {"t": self.title}
                )
            ]
        return []

    def check(self, rows: list[Row]) -> list[Problem]:
        refused = self.refused()
        if refused:
            return refused
        problems = ProblemLog(self._read_problems)
        problems += (p for row in rows for p in row.values["problems"])
        self._seen = {}
        forms, route_problems = self.route([row.values["form"] for row in rows])
        matched, match_problems = self.match(forms)
        problems += route_problems + match_problems
        for form in matched:
            problems += self.check_form(form)
        return problems

    def route(self, forms: list) -> tuple[list, list[Problem]]:
        """Each form's region. A form may name one by its 区划代码 (the 区划 label, the JSON
        `region`), so that one province- or city-level file carries the forms of several
        districts: the named region must lie within the import's region and the actor's scope,
        else the form is refused there. A form naming none belongs to the import's region."""
        codes = {_region_code(f) for f in forms} - {""}
        regions = type(self.region).objects.filter(code__in=codes)
        within = {r.code: r for r in regions.filter(path__startswith=self.region.path)}
        visible = set(
            regions.visible_to(self.actor).values_list("code", flat=True) if within else ()
        )
        self._regions, kept, problems = {}, [], []
        for form in forms:
            code = _region_code(form)
            if code and code not in within:
                message = _("区划“%(f)s”不在导入的区划“%(r)s”内")
            elif code and code != self.region.code and code not in visible:
                message = _("区划“%(f)s”不在您的权限范围内")
            else:
                self._regions[id(form)] = within.get(code)
                kept.append(form)
                continue
            problems.append(
                form.where("region", message % {"f": code, "r": self.region.name}, _("区划"))
            )
        return kept, problems

    def named_region(self, form):
        """The region the form's 区划代码 names (routed by `route`), or None."""
        return self._regions.get(id(form))

    def region_of(self, form):
        """The form's region: the one it names, else the import's."""
        return self._regions.get(id(form)) or self.region

    def match(self, forms: list) -> tuple[list, list[Problem]]:
        """Find each form's stored document; the forms matched and the problems."""
        raise NotImplementedError

    def check_form(self, form) -> list[Problem]:
        """The values of a matched form."""
        return []

    def may_file(self, unit_id: int, region_path: str) -> bool:
        return self.filing.may_file(self.actor, unit_id, region_path, as_filer=self.as_filer)

    def where_text(self, form) -> str:
        """Where a form is, in a message: its worksheet, or its object's number."""
        if form.sheet == JSON_SHEET:
            return _("第 %(n)s 个对象") % {"n": (form.cells.get("title") or (0,))[0]}
        return _("工作表“%(s)s”") % {"s": form.sheet}

    def once_per_file(self, form, key: str, obj_id, what: str = "") -> Problem | None:
        """None the first time a document (`obj_id`) comes in the file; then a problem at the
        form's `key` naming where it came first."""
        if obj_id not in self._seen:
            self._seen[obj_id] = self.where_text(form)
            return None
        return form.where(
            key,
            _("与%(s)s是同一%(w)s的%(n)s，一个文件中只能有一张")
            % {"s": self._seen[obj_id], "w": what or _("项目"), "n": self.noun},
        )

    def match_lines(self, form, stored: list[tuple[int, str]]) -> tuple[list, list[Problem]]:
        """Each indicator line of the form matched to a stored line (position, name) by its
        normalised name, in order for names used twice; `form.positions` gets the positions.
        A file cannot add or remove lines. Returns the matched (index, line) pairs."""
        used: set[int] = set()
        form.positions, matched, problems = [], [], []
        for index, line in enumerate(form.indicators):
            name = line_key(line.get("name"))
            found = next((p for p, n in stored if p not in used and line_key(n) == name), None)
            if found is None:
                problems.append(
                    form.at_indicator(
                        index,
                        "name",
                        _("%(f)s中没有三级指标“%(n)s”（指标来自批复的绩效目标，导入不能增删指标）")
                        % {"f": self.noun, "n": line.get("name") or ""},
                    )
                )
                continue
            used.add(found)
            form.positions.append(found)
            matched.append((index, line))
        return matched, problems

    def assign_filers(self, forms: list, document_of: Callable, key) -> list[Problem]:
        """Who saves each form: the importing filer, or (代录) the filer account of the unit
        of `document_of(form)` (a report, a project); a unit without one is located at `key`
        (or `key(form)`)."""
        missing = self.filing.assign_filers(
            forms, lambda f: (document_of(f).unit_id, document_of(f).year), actor=self.actor
        )
        return [
            form.where(
                key(form) if callable(key) else key,
                _("单位“%(u)s”没有可用的填报人员账号，无法代录其%(n)s；请用 --user 指定填报人员")
                % {"u": document_of(form).unit.name, "n": self.noun},
            )
            for form in missing
        ]


def json_problem(number: int, field: str, message: str) -> Problem:
    """A problem of the `number`th JSON object (its row), at `field` (a key path)."""
    return Problem(message, sheet=JSON_SHEET, row=number, field=field)


def json_form(form_class, number: int, fields: dict[str, str], **values):
    """A form read from the `number`th JSON object: its cells are located by the keys."""
    cells = {key: (number, "", field) for key, field in fields.items()}
    return form_class(sheet=JSON_SHEET, json=True, cells=cells, **values)


def _region_code(form) -> str:
    """The 区划代码 a form names ("" for none, or a name without a code)."""
    code = (form.region_code or "").strip()
    return code if code.isdigit() else ""


def _schema_problem(error: dict, number: int) -> Problem:
    return json_problem(number, getattr(error, "field", ""), error["message"])
