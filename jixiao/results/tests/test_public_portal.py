"""The public disclosure portal (/public/): only published items are reachable, by a crawler
and by direct requests alike; its downloads carry the page's data; no script, no other host;
a rate limit answering 429."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import deque

import pytest
from django.test import Client

from jixiao.core.models import AuditLog
from jixiao.results import disclosures, public_portal
from jixiao.results.models import Disclosure
from jixiao.results.tests.disclosure_world import YEAR, approved_target, client_in, items

pytestmark = pytest.mark.django_db

LINK = re.compile(r"""(?:href|src|action)="([^"]*)\"""")
LOC = re.compile(r"<loc>([^<]*)</loc>")
ID = re.compile(r"^/public/disclosures/(\d+)")


@pytest.fixture
def states(world):
    """One record in each state: published (the U1 targets, the key report, the ranking),
    pending (U2's targets), withheld (the self-evaluations) and withdrawn (a targets record
    of another work year)."""
    items(world)
    disclosures.disclosures_ensure(region=world.region, year=YEAR)
    rows = Disclosure.objects.filter(region=world.region, year=YEAR)
    office = world.performance
    published = [
        rows.get(kind="targets", unit=world.units["U1"]),
        rows.get(kind="key_report"),
        rows.get(kind="unit_ranking"),
    ]
    for record in published:
        disclosures.disclosure_publish(actor=office, disclosure=record)
    withheld = rows.get(kind="selfeval")
    disclosures.disclosure_withhold(actor=office, disclosure=withheld, reason="依法不予公开")
    withdrawn = rows.get(kind="targets", unit=world.units["U2"])
    disclosures.disclosure_publish(actor=office, disclosure=withdrawn)
    disclosures.disclosure_withdraw(actor=office, disclosure=withdrawn, reason="数据有误")
    # a pending one: the U2 targets of 2021
    approved_target(world, "U2", "P21").__class__.objects.filter(project__code="P21").update(
        year=YEAR - 1
    )
    disclosures.disclosures_ensure(region=world.region, year=YEAR - 1)
    pending = Disclosure.objects.get(region=world.region, year=YEAR - 1)
    return {
        "published": published,
        "pending": pending,
        "withheld": withheld,
        "withdrawn": withdrawn,
    }


def _crawl(client: Client) -> tuple[set[int], dict[str, str]]:
    """Every page reachable from /public/ and the sitemap: the disclosure ids met, and each
    HTML page's text by its path."""
    sitemap = client.get("/public/sitemap.xml").content.decode()
    start = ["/public/"] + [re.sub(r"^https?://[^/]+", "", loc) for loc in LOC.findall(sitemap)]
    queue, seen, ids, pages = deque(start), set(start), set(), {}
    while queue:
        path = queue.popleft()
        if match := ID.match(path):
            ids.add(int(match.group(1)))
        response = client.get(path)
        assert response.status_code == 200, path
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        pages[path] = html
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if link.startswith("/public/") and link not in seen:
                seen.add(link)
                queue.append(link)
    return ids, pages


@pytest.mark.parametrize("who", ["anonymous", "performance"])
def test_a_crawler_over_the_portal_finds_only_published_items(world, states, who):
    client = Client() if who == "anonymous" else client_in(world, who)
    ids, pages = _crawl(client)
    assert ids == {d.pk for d in states["published"]}
    assert len(pages) >= 4  # the list and the three items
    for path, html in pages.items():
        assert "<script" not in html.lower(), path
        assert " style=" not in html and "onclick" not in html.lower(), path
        for link in LINK.findall(html):
            assert not re.match(r"^(https?:)?//", link), (path, link)


def test_the_sitemap_lists_only_published_items(world, states):
    sitemap = Client().get("/public/sitemap.xml").content.decode()
    listed = {int(m) for m in re.findall(r"/public/disclosures/(\d+)/", sitemap)}
    assert listed == {d.pk for d in states["published"]}


@pytest.mark.parametrize("state", ["pending", "withheld", "withdrawn"])
@pytest.mark.parametrize("who", ["anonymous", "performance"])
def test_an_unpublished_item_answers_404_everywhere(world, states, state, who):
    client = Client() if who == "anonymous" else client_in(world, who)
    pk = states[state].pk
    for suffix in ("/", ".csv", ".json", ".docx"):
        response = client.get(f"/public/disclosures/{pk}{suffix}")
        assert response.status_code == 404, suffix
        assert "<script" not in response.content.decode().lower()
    listed = json.loads(client.get("/public/index.json").content)
    assert pk not in {item["id"] for item in listed["items"]}
    assert f"/public/disclosures/{pk}/" not in client.get("/public/").content.decode()


def test_a_missing_id_answers_404(world, states):
    assert Client().get("/public/disclosures/999999/").status_code == 404


def test_csv_and_json_hold_the_pages_data(world, states):
    record = states["published"][0]  # U1's targets: four indicator rows
    client = Client()
    page = client.get(f"/public/disclosures/{record.pk}/")
    shown = page.context["table_rows"]
    html = page.content.decode()
    raw = client.get(f"/public/disclosures/{record.pk}.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    data = json.loads(client.get(f"/public/disclosures/{record.pk}.json").content)
    keys = [c["key"] for c in data["columns"]]
    assert table[0] == keys and "agency_code" in keys and "kpi_val" in keys
    assert table[1:] == shown
    assert [[row[k] for k in keys] for row in data["rows"]] == shown
    assert len(shown) == 4
    for row in shown:
        for value in row:
            assert value in html
    assert data["subject"] == record.subject and data["fiscal_year"] == YEAR


def test_csv_cells_never_become_formulas(world):
    approved_target(world, "U2", "F1", goal='=HYPERLINK("http://x")')
    disclosures.disclosures_ensure(region=world.region, year=YEAR)
    record = Disclosure.objects.get(region=world.region, year=YEAR, unit=world.units["U2"])
    disclosures.disclosure_publish(actor=world.performance, disclosure=record)
    raw = Client().get(f"/public/disclosures/{record.pk}.csv").content.decode("utf-8-sig")
    goals = {row[5] for row in list(csv.reader(io.StringIO(raw)))[1:]}
    assert goals == {'\'=HYPERLINK("http://x")'}


def test_the_key_report_downloads_as_word_and_downloads_are_audited(world, states):
    report = states["published"][1]
    response = Client().get(f"/public/disclosures/{report.pk}.docx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "甲区学前教育补助资金绩效评价报告" in text and "项目基本情况。" in text
    entry = AuditLog.objects.filter(action="export", object_type="public_disclosure").last()
    assert entry.actor is None and entry.after["rows"] is None
    # a table has no Word file
    assert Client().get(f"/public/disclosures/{states['published'][0].pk}.docx").status_code == 404


def test_the_list_filters_by_year_unit_and_kind(world, states):
    client = Client()
    by_kind = json.loads(client.get("/public/index.json?kind=key_report").content)
    assert [i["kind"] for i in by_kind["items"]] == ["key_report"]
    assert by_kind["items"][0]["docx"].endswith(".docx")
    by_unit = client.get(f"/public/?unit={world.units['U1'].pk}").content.decode()
    assert (
        "2022年甲区教育局预算绩效目标" in by_unit and "部门预算绩效管理工作考核结果" not in by_unit
    )
    assert json.loads(client.get("/public/index.json?year=2021").content)["count"] == 0


def test_the_portal_answers_429_past_the_limit(world, states, monkeypatch):
    monkeypatch.setattr(public_portal, "_limit", lambda: {"limit": 3, "seconds": 3600})
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [client.get("/public/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/public/").headers["Retry-After"] == "3600"
    assert Client(REMOTE_ADDR="203.0.113.10").get("/public/").status_code == 200


@pytest.mark.django_db
def test_the_sites_robots_txt_opens_the_portal_only_and_names_its_sitemap():
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[:3] == ["User-agent: *", "Allow: /public/", "Disallow: /"]
    assert lines[3] == "Sitemap: http://testserver/public/sitemap.xml"
