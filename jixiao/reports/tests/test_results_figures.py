"""The results figures (issue 14) in the statistics, the API, the lists behind the dashboards,
the dashboards and the annual work summary.

The rows are those of `results.tests.test_figures.build_rows` (甲区's work year 2022, 2021
closed; 乙区's rows never count); every expected value is worked out there by hand. The summary
and `year_stats` are taken on 1 September 2022; the pages on the real today, after 2022, when
R3 (due 1 August 2022), R4 (due 10 November 2022) and R7 (plan due 1 August 2022) are overdue.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from jixiao.budgets.models import FiscalYear
from jixiao.core.scope import RegionReader
from jixiao.reports.stats import as_json, year_stats
from jixiao.reports.summary import summary_docx
from jixiao.results.tests.test_figures import TODAY, build_rows


@pytest.fixture
def rows(world):
    FiscalYear.objects.filter(year__gt=2022).delete()  # 2022 is the personas' work year
    return build_rows(world)


def stats_of(world, user=None):
    user = user or RegionReader(world.region.path)
    return year_stats(user=user, region=world.region, year=2022, today=TODAY)


# ── statistics and API ────────────────────────────────────────────────────────────────────────
def test_year_stats_has_the_results_key_with_decimals_as_strings_in_json(world, rows):
    results = as_json(stats_of(world))["results"]
    assert results["funds_adjusted"] == "14.75"
    assert results["funds_recovered"] == "3.33"
    assert results["funds_redeployed"] == "20.00"
    assert results["rectifications"] == {
        "issued": 5,
        "closed": 3,
        "closed_on_time": 1,
        "overdue": 2,
    }
    assert results["linkage"]["cut"]["proposed"] == "91.00"
    assert results["unit_assessment"]["top"][0] == {
        "unit": "U1",
        "name": "甲区教育局",
        "score": "90.00",
        "rank": 1,
    }
    assert results["disclosure"] == {"published": 3, "overdue": 2}  # D3 pending, D6 late


def test_the_other_figures_are_unchanged_by_the_results_rows(world):
    FiscalYear.objects.filter(year__gt=2022).delete()
    before = stats_of(world)
    build_rows(world)
    after = stats_of(world)
    # Every key but the results (and the units, since build_rows adds units to rank).
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"results", "units"}


def test_stats_api_returns_the_results_key(world, rows, client_for):
    response = client_for("performance").get("/api/v1/stats", {"region": "100101", "year": 2022})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results["funds_adjusted"] == "14.75"
    assert results["linkage"]["grow"] == {
        "projects": 1,
        "current": "100.00",
        "proposed": "110.00",
        "decided": "105.00",
    }
    assert results["rectifications"]["issued"] == 5
    # Taken today (after 2022, which is live): R3, R4 and R7 are overdue.
    assert results["rectifications"]["overdue"] == 3


def test_stats_api_gives_a_unit_its_own_results_only(world, rows, client_for):
    response = client_for("other").get("/api/v1/stats", {"region": "100101", "year": 2022})
    results = response.json()["results"]
    # U2: P2's recovery 3.33 and redeployment 20; R2 issued; R2 and R5 closed; nothing overdue.
    assert results["funds_adjusted"] == "0.00"
    assert results["funds_recovered"] == "3.33"
    assert results["rectifications"] == {
        "issued": 1,
        "closed": 2,
        "closed_on_time": 0,
        "overdue": 0,
    }


# ── the lists behind the figures ──────────────────────────────────────────────────────────────
def page_rows(response) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]  # fmt: skip


def test_each_results_figure_is_the_length_of_its_list(world, rows):
    from jixiao.reports.records import TOPICS
    from jixiao.reports.selectors import WorkYear

    work = WorkYear(user=RegionReader(world.region.path), region=world.region, year=2022)
    adjusted = list(TOPICS["fund-actions"].rows(work, "调整"))
    assert sorted(str(r.cells[4]) for r in adjusted) == ["10.500000", "4.250000"]
    assert len(list(TOPICS["fund-actions"].rows(work, ""))) == 4
    assert len(list(TOPICS["rectifications"].rows(work, "issued"))) == 5
    assert len(list(TOPICS["rectifications"].rows(work, "closed_on_time"))) == 1
    assert len(list(TOPICS["linkage"].rows(work, "cut"))) == 2
    assert len(list(TOPICS["linkage"].rows(work, "cancelled"))) == 1
    # The lists are taken on the real today (after 2022): D3 and D4 are both past due by now.
    assert len(list(TOPICS["disclosures"].rows(work, "overdue"))) == 3  # D3, D4, D6
    ranking = [r.cells for r in TOPICS["unit-ranking"].rows(work, "")]
    assert [cells[0] for cells in ranking] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_the_overdue_list_shows_the_regions_overdue_rectifications(world, rows, client_for):
    response = client_for("performance").get("/dashboard/records/rectifications/?key=overdue")
    assert response.status_code == 200
    units = sorted(row[1] for row in page_rows(response))
    assert units == ["甲区教师进修学校", "甲区教育局", "甲区教育局"]  # R3 (U1A), R4 and R7 (U1)


def test_another_unit_never_sees_the_units_rectifications_or_fund_actions(world, rows, client_for):
    response = client_for("other").get("/dashboard/records/rectifications/?key=issued")
    assert response.status_code == 200
    assert [row[1] for row in page_rows(response)] == ["甲区城管局"]  # R2 only
    response = client_for("other").get("/dashboard/records/fund-actions/")
    assert {row[1] for row in page_rows(response)} == {"P2"}
    response = client_for("other_region").get("/dashboard/records/fund-actions/")
    assert "P1" not in {row[1] for row in page_rows(response)}


def test_an_unknown_results_key_is_404(world, rows, client_for):
    response = client_for("performance").get("/dashboard/records/rectifications/?key=bogus")
    assert response.status_code == 404


# ── dashboards ────────────────────────────────────────────────────────────────────────────────
def test_the_bureaus_dashboard_shows_the_funds_and_links_the_overdue_rectifications(
    world, rows, client_for
):
    page = client_for("performance").get("/dashboard/").content.decode()
    section = re.search(r'<section class="card span-2" id="results">(.*?)</section>', page, re.S)
    text = section.group(1)
    assert "调整资金 <b>14.75</b>" in text
    assert "收回资金 <b>3.33</b>" in text
    assert "盘活资金 <b>20.00</b>" in text
    overdue = re.search(r'<a href="([^"]+)">逾期未整改 <b>(\d+)</b>', text)
    assert overdue.group(2) == "3"
    assert "overdue" in overdue.group(1)
    assert "2023 年度预算挂钩建议 <b>3</b>" in text
    assert "考核排名单位 <b>8</b>" in text
    assert "未按期公开 <b>3</b>" in text  # on the real today D3 and D4 are past due, D6 was late


def test_a_units_dashboard_shows_its_own_overdue_rectifications_only(world, rows, client_for):
    def own_and_region(username):
        page = client_for(username).get("/dashboard/unit/").content.decode()
        row = re.search(r"逾期未完成整改事项</th>(.*?)</tr>", page, re.S).group(1)
        return re.findall(r'<td class="num">(?:<a [^>]+><b>)?(\d+)', row)

    # U2 (`other`): none of its own overdue; the region has R3, R4 and R7.
    assert own_and_region("other") == ["0", "3"]
    # U1 (`filer`): R4 and R7, and R3 of U1A, the unit under it.
    assert own_and_region("filer") == ["3", "3"]


def test_a_units_dashboard_lists_its_own_overdue_rectifications(world, rows, client_for):
    from jixiao.results.models import Rectification

    for name in ("R3", "R4", "R7"):
        Rectification.objects.filter(pk=rows[name].pk).update(number=f"甲整{name}")
    page = client_for("filer").get("/dashboard/unit/").content.decode()
    section = re.search(r'id="overdue-rectifications">(.*?)</section>', page, re.S).group(1)
    assert re.findall(r"甲整R\d", section) == [
        "甲整R7",
        "甲整R4",
        "甲整R3",
    ]  # U1 by issue day, then U1A
    assert "2022-08-01" in section  # R3's due day
    # U2 (`other`) has nothing overdue: no list at all, and never U1's items.
    page = client_for("other").get("/dashboard/unit/").content.decode()
    assert 'id="overdue-rectifications"' not in page
    assert "甲整R" not in page


# ── the annual work summary ───────────────────────────────────────────────────────────────────
def summary_text(world, user=None) -> tuple[str, Document]:
    user = user or RegionReader(world.region.path)
    data = summary_docx(user=user, region=world.region, year=2022, today=TODAY)
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs), doc


def test_the_summary_reports_the_money_and_the_rectifications_closed(world, rows):
    text, _doc = summary_text(world)
    assert "绩效结果运用情况" in text
    assert (
        "2022 年，对偏离绩效目标、资金使用低效的项目及时调整、收回和盘活，共调整资金 14.75 "
        "万元、收回资金 3.33 万元、盘活资金 20.00 万元。" in text
    )
    assert (
        "对评价和监控发现的问题督促落实整改，全年下达整改事项 5 项，完成整改并销号 3 项，"
        "其中按期完成 1 项。" in text
    )
    assert (
        "将绩效评价结果作为 2023 年度预算安排的重要依据，对 3 个延续项目提出预算安排建议，"
        "其中优先保障 1 个、压减预算 2 个，涉及本年预算 230.00 万元、建议安排 201.00 万元；"
        "经审核决定取消项目 1 个。" in text
    )


def test_the_summarys_problems_count_the_overdue_rectifications(world, rows):
    text, _doc = summary_text(world)
    problems = text.split("三、存在的问题")[1].split("四、下一步工作思路")[0]
    assert "逾期未完成整改的事项 2 项" in problems
    assert "未按期公开的绩效信息 2 项" in problems  # D3 pending past due, D6 published late


def test_the_appendix_holds_the_unit_ranking(world, rows):
    _text, doc = summary_text(world)
    ranking = next(
        t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["排名", "单位", "得分"]
    )
    cells = [[c.text for c in row.cells] for row in ranking.rows[1:]]
    assert cells[0] == ["1", "甲区教育局", "90.00"]
    assert cells[-1] == ["8", "甲区旧名局", "76.00"]
    assert len(cells) == 8
    headings = [p.text for p in doc.paragraphs]
    assert any("部门预算绩效管理工作考核排名（共 8 条）" in h for h in headings)
    # The appendix's list is taken on the summary's day, as the figure in its text: R3, R7.
    assert any("逾期未完成整改的事项（共 2 条）" in h for h in headings)


def test_a_year_without_results_says_nothing_of_them(world):
    FiscalYear.objects.filter(year__gt=2022).delete()
    text, doc = summary_text(world)
    assert "绩效结果运用情况" not in text
    assert "整改" not in text.split("三、存在的问题")[1].split("附件")[0].replace(
        "按时报送和整改问题", ""
    )
    assert not any("考核排名" in p.text for p in doc.paragraphs)


def test_the_summary_of_a_few_closed_rectifications_reads_naturally(world, rows):
    from jixiao.results.models import Rectification

    # Only R1 closed in 2022, on time; nothing issued in 2022 any more.
    Rectification.objects.exclude(pk=rows["R1"].pk).delete()
    Rectification.objects.filter(pk=rows["R1"].pk).update(issued_on="2021-12-20")
    text, _doc = summary_text(world)
    assert "对评价和监控发现的问题督促落实整改，完成整改并销号 1 项，均按期完成。" in text
    assert "全年下达整改事项" not in text
