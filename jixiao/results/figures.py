"""The results figures of a work year (DOMAIN.md §8 and §9): the
`results` key of the statistics (`GET /api/v1/stats`, `jixiao summary --format json`), the
summary's sentences on the results and the dashboards' tiles.

One work year Y of a region, and every region under it, as one reader sees it (`visible_to`: a
unit's people count their own unit's rows only):

- **funds** adjusted, recovered and redeployed: the sum of the `FundAction` amounts of each kind
  whose `date` falls in Y (万元, two decimals);
- **rectifications**: `issued` — issued in Y; `closed` — closed (销号) in Y, whenever issued;
  `closed_on_time` — of those, closed by their due day; `overdue` — Y's rectifications (their
  work `year`) overdue on the day the figures are taken (`Rectification.objects.overdue`), the
  rows the rectification list shows for Y with `?overdue=1`;
- **linkage**: the proposals Y makes, i.e. those for the budget year Y + 1 (the summary of 2021
  reports the proposals for 2022 it decided in 2021), by the rule of the table each follows
  (grow, keep, cut, cancel) with the current, proposed and decided totals, and the decisions to
  cancel (`cancelled`) apart, since the office may cancel a project proposed for a cut;
- **unit assessment**: the top and bottom five of Y's ranking;
- **uses**: Y's results (`result_uses.result_sets`: the confirmed self-evaluations and
  whole-unit evaluations of Y − 1, the archived key evaluations of Y), those whose use is
  recorded, and how many were fed back, tied to the budget, … and had an instruction;
- **disclosure**: Y's items published, and those overdue on the day the figures are taken
  (pending past their due day, or published after it: `Disclosure.objects.overdue`).

"The day the figures are taken" (`as_of`): for a closed year (its `budgets.FiscalYear` rows, of
the region and the regions under it, all closed) 31 December of Y; for the live year, today
(DOMAIN.md §8.1). A closed year's figures therefore never change after it closes.

`ResultsYear` holds the querysets; the lists behind the figures (`reports.records`) read the same
ones, so a figure is always the length or the sum of its list. Each figure group costs one or two
aggregate queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from jixiao.budgets.models import FiscalYear
from jixiao.core.compiled import one_row_aggregate, plain_rows, rows_of_nothing
from jixiao.core.scope import scope_of
from jixiao.orgs.models import Region, UnitYear

from .models import (
    Disclosure,
    DisclosureStatus,
    FundAction,
    FundActionKind,
    LinkageProposal,
    LinkageRule,
    Rectification,
    UnitAssessment,
)

CENT = Decimal("0.01")
#: The figures' keys for each kind of fund action, in the order of the issue.
FUND_KEYS = {
    FundActionKind.ADJUST: "funds_adjusted",
    FundActionKind.RECOVER: "funds_recovered",
    FundActionKind.REDEPLOY: "funds_redeployed",
}
#: What the `rectifications` figures count (the keys of `ResultsYear.rectifications`).
RECTIFICATION_KEYS = ("issued", "closed", "closed_on_time", "overdue")
#: The ranking's top and bottom: this many units each.
RANKING_SHOWN = 5


def money(value) -> Decimal:
    """万元 with two decimals, as every money figure of the statistics."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def year_closed(region: Region, year: int, *, region_ids=None, run=None) -> bool:
    """Whether `year` is closed for `region`: it has FiscalYear rows (its own or those of the
    regions under it) and every one of them is closed. No row at all: still live.
    `region_ids`: the region's and those under it, when the caller has read them; `run`: how
    the query is run (`results_figures`' runner, else `built_each_time`)."""
    if region_ids is None:
        region_ids = Region.objects.filter(path__startswith=region.path).values("id")
    rows = (run or built_each_time)(
        "results.year_closed",
        lambda: (
            FiscalYear.objects.filter(region__in=region_ids, year=year)
            .order_by()
            .values_list("status")
            .distinct()
        ),
    )
    statuses = {status for (status,) in rows}
    return bool(statuses) and statuses == {FiscalYear.Status.CLOSED}


def figures_day(
    region: Region,
    year: int,
    today: datetime.date | None = None,
    *,
    region_ids=None,
    run=None,
) -> datetime.date:
    """The day the overdue figures are taken: 31 December of a closed year, else today
    (`region_ids`, `run`: as `year_closed`'s)."""
    if year_closed(region, year, region_ids=region_ids, run=run):
        return datetime.date(year, 12, 31)
    return today or timezone.localdate()


@dataclass(frozen=True)
class ResultsYear:
    """One region's work year of results as one reader sees it (None: the whole region)."""

    region: Region
    year: int
    user: object = None
    today: datetime.date | None = None

    @cached_property
    def as_of(self) -> datetime.date:
        return figures_day(self.region, self.year, self.today)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def budget_year(self) -> int:
        """The budget year the work year's linkage proposals are for."""
        return self.year + 1

    def _rows(self, model) -> QuerySet:
        """The reader's rows of `model` in the region and every region under it (by region id
        in a subquery, as `reports.selectors.WorkYear` does)."""
        return self._scoped(model).filter(region__in=self._region_ids)

    @cached_property
    def _region_ids(self) -> list[int]:
        """The region and every region under it, read once for every query."""
        return list(
            Region.objects.filter(path__startswith=self.region.path).values_list("id", flat=True)
        )

    def _scoped(self, model) -> QuerySet:
        """All rows for a reader who sees the whole region (the region filter then keeps the
        region's, without the scope's second join on the region), else the reader's."""
        if self.user is None or scope_of(self.user).covers_region_path(self.region.path):
            return model.objects.all()
        return model.objects.visible_to(self.user)

    # ── fund actions ─────────────────────────────────────────────────────────────────────
    @cached_property
    def fund_actions(self) -> QuerySet[FundAction]:
        """The fund actions dated in Y."""
        return self._rows(FundAction).filter(date__range=(self.first_day, self.last_day))

    def fund_actions_of(self, kind: str) -> QuerySet[FundAction]:
        return self.fund_actions.filter(kind=kind) if kind else self.fund_actions

    # ── rectifications ───────────────────────────────────────────────────────────────────
    @cached_property
    def _rectifications(self) -> QuerySet[Rectification]:
        return self._rows(Rectification)

    def rectifications(self, key: str) -> QuerySet[Rectification]:
        """The rectifications a figure counts: one of RECTIFICATION_KEYS. Issued and closed are
        by their dates in Y; overdue by the work year (an item of Y−1 still open counts in Y−1's
        figures, as of its own 31 December)."""
        rows = self._rectifications
        year = (self.first_day, self.last_day)
        if key == "issued":
            return rows.filter(issued_on__range=year)
        if key == "closed":
            return rows.filter(closed_on__range=year)
        if key == "closed_on_time":
            return rows.filter(closed_on__range=year).closed_on_time()
        if key == "overdue":
            return rows.filter(year=self.year).overdue(self.as_of)
        raise ValueError(key)

    # ── linkage ──────────────────────────────────────────────────────────────────────────
    @cached_property
    def proposals(self) -> QuerySet[LinkageProposal]:
        """The proposals made in Y: for the budget year Y + 1."""
        return self._rows(LinkageProposal).filter(year=self.budget_year)

    def proposals_of(self, key: str) -> QuerySet[LinkageProposal]:
        """By the rule followed (grow, keep, cut, cancel), or `cancelled` (the decisions)."""
        if key == "cancelled":
            return self.proposals.filter(cancelled=True)
        return self.proposals.filter(rule=key) if key else self.proposals

    # ── unit assessment ──────────────────────────────────────────────────────────────────
    @cached_property
    def assessments(self) -> QuerySet[UnitAssessment]:
        """Y's unit assessments, best first: by rank, then (not yet ranked) by score."""
        return (
            self._rows(UnitAssessment)
            .filter(year=self.year)
            .order_by("rank", "-score", "unit__code")
        )

    # ── disclosure ───────────────────────────────────────────────────────────────────────
    def disclosures(self, key: str) -> QuerySet[Disclosure]:
        """Y's disclosure records: `published`, those published (and not withdrawn);
        `overdue`, those past their due day on the day the figures are taken, unpublished then
        or published late (`Disclosure.objects.overdue`, the lists' and to-dos' definition)."""
        rows = self._rows(Disclosure).filter(year=self.year)
        if key == "published":
            return rows.filter(status=DisclosureStatus.PUBLISHED)
        if key == "overdue":
            return rows.overdue(self.as_of)
        raise ValueError(key)


# ── the figures ──────────────────────────────────────────────────────────────────────────────
def built_each_time(name: str, build, *key, convert: bool = False) -> list[tuple]:
    """Run the query `build()` gives (a `values_list` queryset, or a statement: database, SQL
    and parameters) and return its rows, the values converted as the ORM does when `convert`
    (else as the driver gives them): the figures' way of reading rows when the caller keeps no
    compiled SQL (`reports.stats.figure_rows` does, keyed by `name` and `key`, what else the
    query is built from besides the region's ids and the year)."""
    query = build()
    if isinstance(query, tuple):
        db, sql, params = query
        if sql is None:
            return []
        with connections[db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    if convert:
        return list(query) or rows_of_nothing(query)  # an aggregate's SQL gives one row
    return plain_rows(query)


def _funds(results: ResultsYear, run) -> dict:
    ((*sums,),) = run(
        "results.funds",
        lambda: one_row_aggregate(
            results.fund_actions, *(Sum("amount", filter=Q(kind=kind)) for kind in FUND_KEYS)
        ),
        convert=True,
    )
    return {key: money(value) for key, value in zip(FUND_KEYS.values(), sums, strict=True)}


def counts(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """How many rows each queryset has, counted in one query (a UNION ALL of one COUNT each):
    the results figures' counts are a dozen small queries on nearly empty tables, where building
    and sending each query costs more than the counting. A queryset that can match nothing
    (an empty list of ids) counts 0 without being sent."""
    names = list(querysets)
    found = dict.fromkeys(names, 0)
    for i, n in built_each_time("counts", lambda: counts_statement(querysets)):
        found[names[i]] = n
    return found


def counts_statement(querysets: dict[str, QuerySet]) -> tuple[str | None, str | None, list]:
    """`counts`' query: (database, SQL, parameters), each row (the queryset's place, count);
    no SQL when every queryset can match nothing."""
    parts, params = [], []
    db = None
    for i, queryset in enumerate(querysets.values()):
        queryset = queryset.order_by()
        if queryset.query.combinator is None:  # a UNION keeps its own columns
            queryset = queryset.values("pk")
        try:
            sql, part_params = queryset.query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:
            continue
        db = queryset.db
        parts.append(f"SELECT {i}, COUNT(*) FROM ({sql}) part{i}")
        params.extend(part_params)
    return db, (" UNION ALL ".join(parts) if parts else None), params


def _linkage(results: ResultsYear, run) -> dict:
    """Per rule, the cancel decisions and the total, added up from one GROUP BY of the
    proposals by rule and decision (a few groups: a handful of aggregates to build rather
    than one per rule and figure)."""
    undecided = Q(decided_amount__isnull=True) & Q(cancelled=False)
    rows = run(
        "results.linkage",
        lambda: (
            results.proposals.order_by()
            .values_list("rule", "cancelled")
            .annotate(
                projects=Count("id"),
                current=Sum("current_amount"),
                proposed=Sum("proposed_amount"),
                decided=Sum("decided_amount"),
                undecided=Count("id", filter=undecided),
            )
        ),
        convert=True,
    )
    names = [*LinkageRule.values, "cancelled", "total"]
    parts = {
        name: dict.fromkeys(("projects", "current", "proposed", "decided"), 0) for name in names
    }
    undecided_total = 0
    for rule, cancelled, projects, current, proposed, decided, undecided_n in rows:
        for name in (rule, "cancelled" if cancelled else None, "total"):
            part = parts.get(name)
            if part is not None:
                part["projects"] += projects
                part["current"] += current or 0
                part["proposed"] += proposed or 0
                part["decided"] += decided or 0
        undecided_total += undecided_n
    out: dict = {"budget_year": results.budget_year}
    for name in names:
        part = parts[name]
        out[name] = {"projects": part["projects"]} | {
            key: money(part[key]) for key in ("current", "proposed", "decided")
        }
    out["undecided"] = undecided_total
    return out


def ranking_rows(assessments: QuerySet[UnitAssessment], year: int) -> list[dict]:
    """`unit` (code), `name` (as the unit was named in `year`), `score` and `rank` of each
    assessment, in their order."""
    rows = list(assessments.values_list("unit_id", "unit__code", "unit__name", "score", "rank"))
    names = dict(
        UnitYear.objects.filter(unit_id__in=[r[0] for r in rows], year=year).values_list(
            "unit_id", "name"
        )
    )
    return [
        {"unit": code, "name": names.get(unit_id, name), "score": score, "rank": rank}
        for unit_id, code, name, score, rank in rows
    ]


def _unit_assessment(results: ResultsYear, units: int) -> dict:
    """The top five and the bottom five (best first in each; the bottom five never repeat a
    unit of the top five, so with eight units the bottom has three). `units`: how many
    assessments `results.assessments` holds (counted with the other figures)."""
    ranked = results.assessments
    if not units:
        return {"year": results.year, "units": 0, "top": [], "bottom": []}
    bottom_n = max(0, min(RANKING_SHOWN, units - RANKING_SHOWN))
    bottom = ranked[units - bottom_n :] if bottom_n else ranked.none()
    return {
        "year": results.year,
        "units": units,
        "top": ranking_rows(ranked[:RANKING_SHOWN], results.year),
        "bottom": ranking_rows(bottom, results.year),
    }


def _result_sets(results: ResultsYear) -> dict[str, QuerySet]:
    """Y's results of every kind (`result_uses.result_sets`), each read once by the figures."""
    from .result_uses import result_sets

    return result_sets(results.user, results.region, results.year)


def _uses(results: ResultsYear, n_results: int, run) -> dict:
    """How Y's results (`n_results` of them) were used (`result_uses`): the results, those
    recorded, and each use."""
    from .models import RESULT_USE_FLAGS
    from .result_uses import uses_of

    names = ("recorded", *RESULT_USE_FLAGS, "instructions")
    ((*values,),) = run(
        "results.uses",
        lambda: one_row_aggregate(
            uses_of(_result_sets(results)),
            Count("id"),
            *(Count("id", filter=Q(**{flag: True})) for flag in RESULT_USE_FLAGS),
            Count("id", filter=~Q(instruction="")),
        ),
    )
    return {"results": n_results, **dict(zip(names, values, strict=True))}


#: What `_counted` counts, in the order of its query's parts.
COUNTED = (
    *(f"rectifications.{key}" for key in RECTIFICATION_KEYS),
    "disclosure.published",
    "disclosure.overdue",
    "assessments",
    "results",
)


def _counted(results: ResultsYear, run) -> dict[str, int]:
    """Every count of the figures in one query (`counts`): the rectifications by
    RECTIFICATION_KEYS, the disclosures published and overdue, the units assessed and Y's
    results of every kind (a UNION ALL of their ids)."""

    def querysets() -> dict[str, QuerySet]:
        ids = [rows.order_by().values_list("pk") for rows in _result_sets(results).values()]
        return {
            **{f"rectifications.{key}": results.rectifications(key) for key in RECTIFICATION_KEYS},
            "disclosure.published": results.disclosures("published"),
            "disclosure.overdue": results.disclosures("overdue"),
            "assessments": results.assessments,
            "results": ids[0].union(*ids[1:], all=True),
        }

    found = dict.fromkeys(COUNTED, 0)
    for i, n in run("results.counts", lambda: counts_statement(querysets()), results.as_of):
        found[COUNTED[i]] = n
    return found


def results_figures(
    region: Region,
    year: int,
    today: datetime.date | None = None,
    *,
    user=None,
    region_ids: list[int] | None = None,
    run=built_each_time,
) -> dict:
    """The `results` figures of `region`'s work year `year` as `user` may see them (None: the
    whole region). Money as Decimals with two decimals (`reports.stats.as_json` writes them as
    strings); `as_of` is the day the overdue figures are taken. `region_ids`: the ids of the
    region and every region under it, when the caller has read them already (one query less).
    `run(name, build, *key, convert=...)`: how each query is run (`built_each_time`; the work
    year's figures keep its compiled SQL, `reports.stats.figure_rows`)."""
    results = ResultsYear(region=region, year=year, user=user, today=today)
    if region_ids is not None:
        results.__dict__["_region_ids"] = list(region_ids)
    # The day of the overdue figures through the runner too (its query kept compiled).
    results.__dict__["as_of"] = figures_day(
        region, year, today, region_ids=results._region_ids, run=run
    )
    counted = _counted(results, run)
    return {
        **_funds(results, run),
        "rectifications": {key: counted[f"rectifications.{key}"] for key in RECTIFICATION_KEYS},
        "linkage": _linkage(results, run),
        "unit_assessment": _unit_assessment(results, counted["assessments"]),
        "disclosure": {key: counted[f"disclosure.{key}"] for key in ("published", "overdue")},
        "uses": _uses(results, counted["results"], run),
        "as_of": results.as_of.isoformat(),
    }
