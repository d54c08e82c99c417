"""The monitoring lists in English name what one row holds: a report's project is "Project"
(the bare 项目 reads "Projects", the menu's word), its round is a "Round" (批次 of the audit log
is an import's batch), and the report list is headed in the plural."""

import re

from .test_pages_api import monitoring_round  # noqa: F401 (fixture)


def _headers(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|[▲▼↕]", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", html)
    ]


def test_the_english_report_and_alert_lists_name_one_project_and_its_round(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    client = client_for("performance")
    client.cookies["django_language"] = "en"
    reports = client.get("/monitoring/reports/").content.decode()
    assert re.search(r"<h1>Monitoring reports\b", reports)
    assert _headers(reports)[:3] == ["Project", "Budget unit", "Round"]
    assert "<label>Project<input" in reports
    alerts = client.get("/alerts/").content.decode()
    assert "Project" in _headers(alerts) and "Projects" not in _headers(alerts)
    detail = client.get(f"/monitoring/{monitoring_round.pk}/").content.decode()
    assert "Projects" not in _headers(detail)


def test_projects_in_the_plural_only_where_many_are_meant(world, client_for):
    """The projects page, its menu entry and the home page's count read "Projects"; a form or
    a column about one project reads "Project"."""
    client = client_for("budget")
    client.cookies["django_language"] = "en"
    listing = client.get("/projects/").content.decode()
    assert re.search(r"<h1>Projects\b", listing) and re.search(r"<title>Projects\b", listing)
    assert ">Projects</a>" in listing  # the side menu
    project = world.projects["P1"]
    edit = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert re.search(r"<title>Project\b", edit) and not re.search(r"<title>Projects\b", edit)


def test_the_english_list_pages_are_headed_in_the_plural_like_their_menu_entries(world, client_for):
    client = client_for("performance")
    client.cookies["django_language"] = "en"
    for url, heading in [
        ("/units/", "Budget units"),
        ("/evaluations/", "Project self-evaluations"),
        ("/rectifications/", "Rectifications"),
        ("/monitoring/", "Monitoring rounds"),
    ]:
        html = client.get(url).content.decode()
        assert re.search(rf"<h1>{heading}\b", html), url
        assert re.search(rf"<title>{heading}\b", html), url


def test_the_round_list_names_its_first_column_round(world, client_for, monitoring_round):  # noqa: F811
    client = client_for("performance")
    client.cookies["django_language"] = "en"
    assert _headers(client.get("/monitoring/").content.decode())[0] == "Round"
