"""The API lists sort like their pages (`?sort=<key>`, `?sort=-<key>`, core.api.sorted_by): for
each list, one column both ways against an order worked out here from the values the test gave
the rows (ties by id, in the column's direction), pages that continue one another, a value that
is none of the keys (an empty one too) answering 400 with the keys (never 500), the scope kept
when sorted, and as many queries with more rows. No `sort` keeps each list's own order (the
recorded bodies of test_api_bodies.py are unchanged)."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao import testing_pages as made
from jixiao.core.models import ApiToken

pytestmark = pytest.mark.django_db

#: The values the rows get in the sorted column, in the order they are made: two ties.
VALUES = (2, 1, 2, 1, 3)


def _key_evaluation(world, i: int):
    from jixiao.evaluations.key.models import KeyStatus
    from jixiao.evaluations.key.services import evaluation_create
    from jixiao.evaluations.tests.test_key_api import INDICATORS

    evaluation = evaluation_create(
        indicators=INDICATORS,
        region=world.region,
        year=2022,
        subject=f"排序测试重点评价{i}",
        kind="special_fund",
        unit=world.units["U1"],
    )
    evaluation.status = KeyStatus.NOTIFIED
    evaluation.save(update_fields=["status"])
    return evaluation


def _ex_ante(world, i: int):
    from jixiao.evaluations.key.models import ExAnteAssessment
    from jixiao.evaluations.key.services import panel_create
    from jixiao.evaluations.tests.test_key_api import INDICATORS

    return ExAnteAssessment.objects.create(
        region=world.region,
        year=2023,
        unit=world.units["U1"],
        project=world.projects["P1"],
        subject=f"排序测试事前评估{i}",
        amount=Decimal("800"),
        panel=panel_create(INDICATORS),
    )


def _survey(world, i: int):
    from jixiao.surveys.tests.test_api import survey_of

    return survey_of(_key_evaluation(world, 100 + i))


def _set(field: str, value=lambda n: Decimal(n)):
    """Give an object's `field` the n-th value (`value(n)`), by an update of its row."""

    def put(obj, n: int) -> None:
        type(obj).objects.filter(pk=obj.pk).update(**{field: value(n)})

    return put


def _day(n: int) -> datetime.date:
    return datetime.date(2022, 9, 1) + datetime.timedelta(days=n)


def _unit_name(obj, n: int) -> None:
    obj.years.update(name=f"排序测试单位{n}")  # every year's row: the list shows the latest


@dataclass(frozen=True)
class SortedList:
    kind: str  # /api/v1/<kind>
    make: object  # (world, i) → a saved object the owner sees and the stranger does not
    key: str  # the column sorted by
    put: object  # (obj, n) → the object given the n-th value of that column
    owner: str = "filer"
    stranger: str = "other"
    query: str = ""  # the filters the list is read with

    def url(self, sort: str = "", **params) -> str:
        parts = [self.query] if self.query else []
        parts += [f"sort={sort}"] if sort else []
        parts += [f"{name}={value}" for name, value in params.items()]
        return f"/api/v1/{self.kind}?" + "&".join(parts)


LISTS = [
    SortedList("units", made._unit, "name", _unit_name),
    SortedList("projects", made._project, "initial", _set("initial_current")),
    SortedList("targets", made._target, "amount", _set("amount_total")),
    SortedList(
        "monitoring-rounds",
        made._round,
        "deadline",
        _set("deadline", _day),
        owner="performance",
        stranger="other_region",
    ),
    SortedList("monitoring-reports", made._report, "executed", _set("executed")),
    SortedList("alerts", made._alert, "due", _set("due_date", _day)),
    SortedList("selfevals", made._selfeval, "total", _set("total")),
    SortedList("key-evaluations", _key_evaluation, "score", _set("score"), owner="performance"),
    SortedList("ex-ante-assessments", _ex_ante, "score", _set("score"), owner="performance"),
    SortedList("surveys", _survey, "target", _set("target_sample", int), owner="performance"),
    SortedList("rectifications", made._rectification, "due", _set("due", _day), query="year=2022"),
    SortedList(
        "linkage-proposals",
        made._linkage_proposal,
        "proposed",
        _set("proposed_amount"),
        query="year=2022",
    ),
    SortedList("fund-actions", made._fund_action, "amount", _set("amount")),
    SortedList("disclosures", made._disclosure, "due", _set("due", _day)),
]
BY_KIND = pytest.mark.parametrize("sorted_list", LISTS, ids=[s.kind for s in LISTS])


@pytest.fixture
def read(world):
    """`read(persona, url)` → the JSON of a GET with a new token of that persona (200 asserted
    unless `status=` says otherwise)."""
    tokens = {}

    def get(persona: str, url: str, status: int = 200):
        from django.test import Client

        if persona not in tokens:
            tokens[persona] = ApiToken.objects.issue(world.users[persona])[1]
        response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[persona]}")
        assert response.status_code == status, (url, response.content)
        return response.json()

    return get


def made_rows(world, sorted_list: SortedList, values=VALUES) -> list[tuple[int, int]]:
    """The list's rows made and given `values`: [(value, id)] in the order made."""
    rows = []
    for i, n in enumerate(values):
        obj = sorted_list.make(world, i)
        sorted_list.put(obj, n)
        rows.append((n, obj.pk))
    return rows


def ids(body: dict, among) -> list[int]:
    """The ids of `body`'s items that are among `among`, in the order listed."""
    return [item["id"] for item in body["items"] if item["id"] in set(among)]


@BY_KIND
def test_a_list_sorts_by_a_column_both_ways_ties_by_id(world, read, sorted_list):
    rows = made_rows(world, sorted_list)
    mine = [pk for _n, pk in rows]
    ascending = [pk for _n, pk in sorted(rows)]  # by the value, then the id
    descending = [pk for _n, pk in sorted(rows, reverse=True)]
    owner, key = sorted_list.owner, sorted_list.key
    assert ids(read(owner, sorted_list.url(key, page_size=500)), mine) == ascending
    assert ids(read(owner, sorted_list.url(f"-{key}", page_size=500)), mine) == descending


@BY_KIND
def test_pages_of_a_sorted_list_continue_one_another(world, read, sorted_list):
    made_rows(world, sorted_list)
    for sort in (sorted_list.key, f"-{sorted_list.key}"):
        whole = read(sorted_list.owner, sorted_list.url(sort, page_size=500))
        paged = []
        for page in range(1, (whole["count"] + 1) // 2 + 1):
            paged += read(sorted_list.owner, sorted_list.url(sort, page=page, page_size=2))["items"]
        assert [row["id"] for row in paged] == [row["id"] for row in whole["items"]], sort
        assert len(paged) == whole["count"] >= len(VALUES)


HOSTILE = ["", "id;drop", "__class__", "-", "--{key}", "{key}%20", "pk", "id", "-id", "unit__code"]


@BY_KIND
@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_that_is_none_of_the_keys_answers_400_naming_them(world, read, sorted_list, value):
    url = sorted_list.url(page_size=500) + f"&sort={value.format(key=sorted_list.key)}"
    body = read(sorted_list.owner, url, status=400)
    assert set(body) == {"detail", "errors"} and body["detail"]
    [problem] = body["errors"]
    assert problem["path"] == "sort"
    sorts = documented_sorts()[sorted_list.kind]
    assert problem["allowed"] == sorts and sorted_list.key in sorts
    assert all(allowed in problem["message"] for allowed in sorts)


@BY_KIND
def test_a_sorted_list_keeps_its_scope(world, read, sorted_list):
    rows = made_rows(world, sorted_list)
    mine = {pk for _n, pk in rows}
    for sort in (sorted_list.key, f"-{sorted_list.key}"):
        seen = read(sorted_list.stranger, sorted_list.url(sort, page_size=500))
        assert not mine & {item["id"] for item in seen["items"]}, sort
        assert len(ids(read(sorted_list.owner, sorted_list.url(sort, page_size=500)), mine)) == 5


def count_queries(read, persona: str, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        read(persona, url)
    return len(captured.captured_queries)


@BY_KIND
def test_a_sorted_list_reads_in_as_many_queries_with_more_rows(world, read, sorted_list):
    urls = [sorted_list.url(f"-{sorted_list.key}"), sorted_list.url(sorted_list.key)]
    made_rows(world, sorted_list, VALUES[:2])
    read(sorted_list.owner, urls[0])  # caches warmed (rulebook, content types, the token)
    few = [count_queries(read, sorted_list.owner, url) for url in urls]
    for i, n in enumerate(VALUES, start=10):
        sorted_list.put(sorted_list.make(world, i), n)
    many = [count_queries(read, sorted_list.owner, url) for url in urls]
    assert many == few


# --- what OpenAPI and docs/api.md say --------------------------------------------------------


@functools.cache
def documented_sorts() -> dict[str, list[str]]:
    """The values of `sort` each list route documents in OpenAPI, by kind."""
    from jixiao.api.urls import api

    schema = api.get_openapi_schema()
    found = {}
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["name"] == "sort":
                found[path.removeprefix("/api/v1/")] = parameter["schema"]["enum"]
    return found


def test_openapi_documents_the_keys_of_each_sorted_list_from_its_sorts():
    from jixiao.api.urls import api
    from jixiao.budgets.selectors import PROJECT_SORTS
    from jixiao.orgs.selectors import UNIT_SORTS
    from jixiao.targets.selectors import TARGET_SORTS

    documented = documented_sorts()
    assert set(documented) == {s.kind for s in LISTS}
    for kind, sorts in (("units", UNIT_SORTS), ("projects", PROJECT_SORTS)):
        assert documented[kind] == [*sorts.columns, *(f"-{k}" for k in sorts.columns)]
    targets = api.get_openapi_schema()["paths"]["/api/v1/targets"]["get"]
    [parameter] = [p for p in targets["parameters"] if p["name"] == "sort"]
    assert all(key in parameter["description"] for key in TARGET_SORTS.columns)
    assert "400" in {str(code) for code in targets["responses"]}
    assert "ErrorOut" in str(targets["responses"][400]["content"])


def test_docs_list_the_keys_each_list_sorts_by():
    """docs/api.md's table of sortable lists says what OpenAPI says (from the Sorts)."""
    text = (Path(__file__).parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## Sorting a list", 1)[1]
    table = dict(re.findall(r"^\| `([a-z-]+)` \| ((?:`[a-z_]+`(?:, )?)+) \|$", section, re.M))
    documented = {
        kind: [v for v in values if not v.startswith("-")]
        for kind, values in documented_sorts().items()
    }
    assert {kind: re.findall(r"`([a-z_]+)`", keys) for kind, keys in table.items()} == documented
