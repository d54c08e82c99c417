"""The target list and the review queue sort by their columns (`?sort=`, core/sorting.py): each
column both ways, ties broken the same on every page, the export and its background job in the
page's order, an unknown or hostile value the default order, scope unchanged, and the headers
that say which order is drawn."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from jixiao.budgets.models import Project
from jixiao.core.models import Job
from jixiao.core.rulebook import rulebook_save
from jixiao.targets.models import Target, TargetStatus
from jixiao.testing import listed_ids, page_queries

#: project code → (unit, amount, status, submitted days ago): codes, amounts and times all
#: differ, so each column's order is one order on either database.
ROWS = {
    "S1": ("U1", "30.5", TargetStatus.SUBMITTED, 3),
    "S2": ("U2", "120.25", TargetStatus.DRAFT, None),
    "S3": ("U1A", "7", TargetStatus.SUBMITTED, 9),
    "S4": ("U1", "980.123456", TargetStatus.APPROVED, 1),
    "S5": ("U2", None, TargetStatus.RETURNED, 5),
}


def make_targets(world, rows=ROWS):
    """Declarations of new projects of 2022 in the working region, as `rows` describes them."""
    now = timezone.now()
    made = {}
    for code, (unit, amount, status, days) in rows.items():
        unit = world.units[unit]
        project = Project.objects.create(
            region=world.region, year=2022, code=code, name=f"项目{code}", unit=unit
        )
        made[code] = Target.objects.create(
            region=world.region,
            year=2022,
            unit=unit,
            project=project,
            status=status,
            amount_total=None if amount is None else Decimal(amount),
            submitted_at=None if days is None else now - timedelta(days=days),
        )
    return made


def listed(client, url) -> list[str]:
    """The project codes of the page's rows, top to bottom."""
    ids = listed_ids(client, url, "/targets/")
    codes = dict(Target.objects.filter(pk__in=ids).values_list("pk", "project__code"))
    return [codes[i] for i in ids]


def ours(codes: list[str]) -> list[str]:
    return [c for c in codes if c in ROWS]


def by(key, *, reverse=False, rows=ROWS):
    """The codes in the order of one column, empty values last either way."""
    filled = [c for c in rows if key(c) is not None]
    empty = [c for c in rows if key(c) is None]
    return sorted(filled, key=key, reverse=reverse) + empty


COLUMNS = {
    "project": lambda c: c,
    "unit": lambda c: (ROWS[c][0], c),
    "amount": lambda c: None if ROWS[c][1] is None else Decimal(ROWS[c][1]),
    "submitted": lambda c: None if ROWS[c][3] is None else -ROWS[c][3],
    "status": lambda c: (str(ROWS[c][2]), c),  # ties by creation, as the primary key breaks them
}


@pytest.mark.parametrize("key", COLUMNS)
def test_the_target_list_sorts_by_each_column_and_its_reverse(world, client_for, key):
    make_targets(world)
    client = client_for("performance")
    assert ours(listed(client, f"/targets/?sort={key}")) == by(COLUMNS[key])
    assert ours(listed(client, f"/targets/?sort=-{key}")) == by(COLUMNS[key], reverse=True)


def test_the_office_sees_the_biggest_amounts_first_and_the_empty_one_last(world, client_for):
    make_targets(world)
    codes = ours(listed(client_for("budget"), "/targets/?sort=-amount"))
    assert codes == ["S4", "S2", "S1", "S3", "S5"]


def test_the_queue_shows_the_oldest_submission_first_and_sorts_by_amount(world, client_for):
    make_targets(world)
    client = client_for("business")  # BIZ1: units U1 and U1A, whose S1 and S3 wait
    assert ours(listed(client, "/targets/queue/")) == ["S3", "S1"]
    assert ours(listed(client, "/targets/queue/?sort=-submitted")) == ["S1", "S3"]
    assert ours(listed(client, "/targets/queue/?sort=amount")) == ["S3", "S1"]
    assert ours(listed(client, "/targets/queue/?sort=-amount")) == ["S1", "S3"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "password",
        "-",
        "--amount",
        "unit__users__password",
        "amount;drop",
        "pk",
        "-pk",
        "Amount",
    ],
)
def test_an_unknown_or_hostile_sort_gives_the_default_order(world, client_for, value):
    make_targets(world)
    client = client_for("performance")
    default = listed(client, "/targets/")
    assert listed(client, f"/targets/?sort={value}") == default
    assert ours(default) == by(COLUMNS["unit"])
    assert ours(listed(client_for("business"), f"/targets/queue/?sort={value}")) == ["S3", "S1"]


def test_ties_are_broken_the_same_on_every_page(world, client_for):
    """60 declarations of one amount: page 2 continues page 1, none twice, none left out."""
    rows = {f"T{i:02d}": ("U1", "50", TargetStatus.DRAFT, None) for i in range(60)}
    made = make_targets(world, rows)
    client = client_for("performance")
    for sort in ("amount", "-amount"):
        first = listed(client, f"/targets/?sort={sort}")
        second = listed(client, f"/targets/?sort={sort}&page=2")
        assert len(first) == 50
        assert first + second == listed_all(client, sort)
        assert set(made) <= set(first + second) and len(set(first + second)) == len(first + second)


def listed_all(client, sort) -> list[str]:
    """The list's whole order as the export's worksheets give it."""
    response = client.get(f"/targets/?sort={sort}&export=xlsx")
    assert response.status_code == 200
    return sheet_codes(response.content)


def sheet_codes(data: bytes) -> list[str]:
    return [ws.title for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets]


def test_the_export_and_its_background_job_keep_the_pages_order(world, client_for):
    make_targets(world)
    client = client_for("performance")
    shown = ours(listed(client, "/targets/?sort=-amount"))
    direct = client.get("/targets/?sort=-amount&export=xlsx")
    assert ours(sheet_codes(direct.content)) == shown
    rulebook_save(
        region_code="100101", year=2022, values={"jobs": {"threshold_rows": -1}}, actor=world.admin
    )
    started = client.get("/targets/?sort=-amount&export=xlsx")
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    job = Job.objects.get(pk=started["Location"].split("/")[2])
    assert job.params["args"]["sort"] == "-amount"
    result = client.get(started["Location"] + "result")
    assert ours(sheet_codes(result.content)) == shown


def test_sorting_shows_another_units_user_none_of_the_rows(world, client_for):
    make_targets(world)
    client = client_for("other_region")
    for url in ("/targets/?sort=-amount", "/targets/?sort=unit", "/targets/queue/?sort=amount"):
        assert ours(listed(client, url)) == []
    filer = client_for("other")  # a filer of U2 sees U2's own rows only
    assert ours(listed(filer, "/targets/?sort=-amount")) == ["S2", "S5"]


def test_the_headers_say_the_order_and_link_to_the_other_direction(world, client_for):
    make_targets(world)
    client = client_for("performance")
    page = client.get("/targets/?q=S&status=&sort=amount&page=1").content.decode()
    (amount,) = re.findall(r'<th class="sortable num"[^>]*>.*?</th>', page)
    assert 'aria-sort="ascending"' in amount and "▲" in amount
    (href,) = re.findall(r'href="([^"]+)"', amount)
    assert href.startswith("/targets/?") and "sort=-amount" in href and "q=S" in href
    assert "page=" not in href
    assert page.count("aria-sort=") == 1
    reverse = client.get("/targets/?sort=-amount").content.decode()
    assert 'aria-sort="descending"' in reverse and "▼" in reverse
    default = client.get("/targets/").content.decode()
    (unit,) = re.findall(r"<th[^>]*aria-sort[^>]*>.*?</th>", default)
    assert "sort=-unit" in unit  # the default order is by unit; a click reverses it
    # the filters' form keeps the order asked for, not the default
    assert 'name="sort" value="-amount"' in reverse
    assert 'name="sort"' not in default


def test_the_pager_keeps_the_order(world, client_for):
    make_targets(world, {f"T{i:02d}": ("U1", str(i), TargetStatus.DRAFT, None) for i in range(55)})
    page = client_for("performance").get("/targets/?sort=-amount").content.decode()
    assert re.search(r'href="\?[^"]*sort=-amount[^"]*&(amp;)?page=2"', page)


def test_the_list_sorted_by_amount_reads_as_often_with_12_rows_as_with_2(world, client_for):
    client = client_for("performance")
    client.get("/targets/")  # the session's first request stores its time
    make_targets(world, {"S1": ROWS["S1"], "S2": ROWS["S2"]})
    urls = ("/targets/?sort=-amount", "/targets/queue/?sort=amount", "/targets/?sort=findings")
    few = [page_queries(client, url) for url in urls]
    make_targets(world, {f"T{i:02d}": ("U1", str(i), TargetStatus.SUBMITTED, i) for i in range(10)})
    assert Target.objects.count() == 12
    assert [page_queries(client, url) for url in urls] == few


def test_a_first_click_sorts_amounts_and_counts_biggest_first_and_words_from_the_start(
    world, client_for
):
    """An office reads amounts, scores and counts of findings biggest first; codes and names
    from the start."""
    make_targets(world)
    page = client_for("performance").get("/targets/").content.decode()

    def link(label):
        (th,) = [h for h in re.findall(r"<th[^>]*>.*?</th>", page) if label in h]
        return re.search(r'href="([^"]+)"', th).group(1)

    assert "sort=-amount" in link("资金总额")
    assert "sort=-findings" in link("质量检查")
    assert "sort=project" in link("项目") and "sort=-project" not in link("项目")
    assert "sort=deadline" in link("截止日期") and "sort=-deadline" not in link("截止日期")
