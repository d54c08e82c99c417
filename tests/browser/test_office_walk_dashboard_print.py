"""The office's dashboard printed (ux41): a chart of a few units with long names drew its
labels flat side by side at the paper's width, each running into the next ("东湖区社会福利院
东湖区人社局" read as one name). Labels turn when they are wider than their bar's share of the
chart, on paper as on a narrow screen, and lie flat when they fit.

The chart is drawn by the dashboard's own script and the local ECharts from a page of this
site holding a chart as the dashboard sends it (the script reads only that)."""

import json

import pytest

pytestmark = pytest.mark.browser

UNITS = [
    "东湖区社会福利院",
    "东湖区人社局",
    "东湖区就业创业服务中心",
    "东湖区教育体育局",
    "东湖区委宣传部",
    "东湖区民政局",
    "东湖区委党校",
]


def chart_page(page, live_server, width: int):
    spec = {
        "execution": {
            "kind": "bar",
            "percent": True,
            "categories": UNITS,
            "series": [{"name": "执行率", "data": [{"value": "10.5", "url": "/"}] * len(UNITS)}],
        }
    }
    html = f"""<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">
<script src="/static/vendor/echarts.min.js"></script>
<script src="/static/jixiao/dashboard.js"></script></head><body style="margin:0">
<script id="dashboard-charts" type="application/json">{json.dumps(spec)}</script>
<div class="chart" data-chart="execution" style="width:{width}px;height:320px"></div>
</body></html>"""
    page.route(
        f"{live_server.url}/chart-probe/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )
    page.goto(f"{live_server.url}/chart-probe/")
    page.wait_for_selector(".chart[data-ready='1'] svg")
    return page


LABELS = """(units) => [...document.querySelectorAll('.chart svg text')]
  .filter((t) => units.some((u) => u.startsWith(t.textContent.replace('...', ''))))
  .map((t) => { const r = t.getBoundingClientRect();
                const m = (t.getAttribute('transform') || '').match(/matrix\\(([^)]*)\\)/);
                const b = m ? Math.abs(parseFloat(m[1].split(/[ ,]+/)[1])) : 0;
                return {left: r.left, right: r.right, turned: b > 0.01}; })"""


def flat_and_overlapping(labels) -> bool:
    flat = [x for x in labels if not x["turned"]]
    flat.sort(key=lambda x: x["left"])
    return any(a["right"] > b["left"] + 1 for a, b in zip(flat, flat[1:], strict=False))


def test_long_unit_names_turn_on_paper_instead_of_running_together(page, live_server, world):
    chart_page(page, live_server, width=1180)
    on_screen = page.evaluate(LABELS, UNITS)
    assert len(on_screen) == len(UNITS)
    assert not any(x["turned"] for x in on_screen)  # a wide screen: flat, and they fit
    assert not flat_and_overlapping(on_screen)
    page.emulate_media(media="print")
    page.wait_for_function("document.querySelector('.chart svg').clientWidth <= 700")
    on_paper = page.evaluate(LABELS, UNITS)
    assert len(on_paper) == len(UNITS)
    assert not flat_and_overlapping(on_paper)
    assert all(x["turned"] for x in on_paper)
    page.emulate_media(media="screen")
    page.wait_for_function("document.querySelector('.chart svg').clientWidth > 1000")
    assert not any(x["turned"] for x in page.evaluate(LABELS, UNITS))  # flat again


def test_a_narrow_screen_turns_them_too(page, live_server, world):
    chart_page(page, live_server, width=600)
    labels = page.evaluate(LABELS, UNITS)
    assert len(labels) == len(UNITS) and not flat_and_overlapping(labels)
