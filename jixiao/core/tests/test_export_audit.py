"""Every export, download and bulk API read writes exactly one `export` audit entry: who, what
(the kind), the filter it was asked with and the row count (CONTRACT.md).
Each channel logs in one place: the pages' download helper (`core.views.download_response`),
the attachment download, the API's pager (`core.api.paginate`) and the commands' `audit_export`.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from jixiao.core.models import AuditLog
from jixiao.testing_pages import PAGES, _policy, _project, _round


def exports():
    return AuditLog.objects.filter(action=AuditLog.Action.EXPORT)


def the_export() -> AuditLog:
    rows = list(exports())
    assert len(rows) == 1, [r.message for r in rows]
    return rows[0]


@pytest.mark.parametrize(
    "page", [pytest.param(p, id=p.name) for p in PAGES if p.export], ids=lambda p: p.name
)
def test_every_declared_page_export_writes_one_export_entry_for_its_owner(world, client_for, page):
    page.make(world, 0)
    url = page.export
    assert client_for(page.owner).get(url).status_code == 200
    entry = the_export()
    query = url.split("?", 1)[1]
    assert entry.actor == getattr(world, page.owner)
    for key, value in parse_qsl(query):
        assert entry.after["filter"][key] == value
    assert entry.after["rows"] >= 1
    assert entry.region_code == world.region.code


def test_project_list_export_logs_its_kind_filter_and_row_count(world, client_for):
    for i in range(3):
        _project(world, i, tag="X")
    response = client_for("filer").get("/projects/?export=xlsx&q=通用测试项目X")
    assert response.status_code == 200
    entry = the_export()
    assert entry.object_type == "projects"
    assert entry.actor_name == "filer" and entry.source == "web"
    assert entry.after == {
        "kind": "projects",
        "filter": {
            "export": "xlsx",
            "q": "通用测试项目X",
            "work_region": "100101",
            "work_year": 2022,
        },
        "rows": 3,
    }
    assert "3" in entry.message and "q=通用测试项目X" in entry.message


def test_a_blank_template_download_is_logged_with_no_rows(world, client_for):
    assert client_for("budget").get("/projects/template.xlsx").status_code == 200
    entry = the_export()
    assert entry.object_type == "projects-template" and entry.after["rows"] == 0


def test_the_word_summary_download_is_logged_once(world, client_for):
    client = client_for("performance")
    started = client.post("/dashboard/summary.docx")  # a background job, run at once in tests
    assert not exports().exists()  # the job's run is not a download
    response = client.get(started["Location"] + "result")
    assert response.status_code == 200
    entry = the_export()
    assert entry.object_type == "summary" and entry.after["rows"] is None
    assert entry.actor_name == "performance"


def test_a_user_of_another_region_gets_404_on_an_export_and_nothing_is_logged(world, client_for):
    monitoring_round = _round(world, 0)
    url = f"/monitoring/{monitoring_round.pk}/?export=xlsx"
    assert client_for("other_region").get(url).status_code == 404
    assert not exports().exists()
    assert client_for("performance").get(url).status_code == 200
    assert the_export().object_type == "monitoring-overview"


def _uploaded_policy(world, client_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    policy = _policy(world, 0)
    client_for("performance").post(
        f"/files/upload/reports.policydocument/{policy.pk}/",
        {"file": SimpleUploadedFile("发文.pdf", b"%PDF-1.4 signed"), "back": "/policies/"},
    )
    return policy, policy_attachment(policy)


def policy_attachment(policy):
    from jixiao.core.models import Attachment

    return Attachment.objects.get(object_id=policy.pk, name="发文.pdf")


def test_an_attachment_download_is_logged_and_a_stranger_gets_404(
    world, client_for, tmp_path, settings
):
    _policy_doc, attachment = _uploaded_policy(world, client_for, tmp_path, settings)
    url = f"/files/{attachment.pk}/"
    assert client_for("other_region").get(url).status_code == 404
    assert not exports().exists()
    response = client_for("performance").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    entry = the_export()
    assert entry.object_type == "attachment" and entry.object_repr == "发文.pdf"
    assert entry.after["rows"] == 1 and entry.actor_name == "performance"


def test_cli_export_logs_the_command_with_its_options_and_row_count(world, tmp_path):
    for i in range(2):
        _project(world, i, tag="C")
    output = tmp_path / "projects.json"
    call_command(
        "export", "projects", region="100101", year=2022, format="json", output=str(output)
    )
    written = json.loads(output.read_text(encoding="utf-8"))
    entry = the_export()
    assert entry.object_type == "projects" and entry.source == "cli"
    assert entry.actor_name.startswith("cli:")
    assert entry.after["filter"] == {"region": "100101", "year": 2022, "format": "json"}
    assert entry.after["rows"] == len(written) >= 2
    assert entry.region_code == "100101"


def test_cli_summary_logs_one_export(world, tmp_path):
    output = tmp_path / "summary.json"
    call_command("summary", region="100101", year="2022", format="json", output=str(output))
    entry = the_export()
    assert entry.object_type == "summary" and entry.source == "cli"
    assert entry.after["filter"] == {"region": "100101", "year": "2022", "format": "json"}


def _api(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def test_api_list_of_more_than_one_page_is_logged_per_page_and_a_short_list_is_not(
    world, client_for
):
    for i in range(3):
        _project(world, i, tag="A")
    client = client_for("filer")
    whole = _api(client, "/api/v1/projects?q=通用测试项目A")
    assert whole["count"] == 3
    assert not exports().exists()  # a short list read whole is not an export

    first = _api(client, "/api/v1/projects?page_size=2&q=通用测试项目A")
    entry = the_export()
    assert entry.object_type == "projects" and entry.source == "api"
    assert entry.after["rows"] == len(first["items"]) == 2
    assert entry.after["filter"] == {"page_size": "2", "q": "通用测试项目A"}

    _api(client, "/api/v1/projects?page_size=2&page=2&q=通用测试项目A")
    second = exports().first()
    assert exports().count() == 2 and second.after["rows"] == 1
    assert second.after["filter"]["page"] == "2"


def test_api_page_past_the_end_is_not_logged(world, client_for):
    assert _api(client_for("filer"), "/api/v1/projects?page=99")["items"] == []
    assert not exports().exists()


def test_audit_page_filters_on_the_export_action(world, client_for):
    _project(world, 0, tag="F")
    client_for("filer").get("/projects/?export=xlsx")
    client_for("filer").post("/logout/")
    response = client_for("auditor").get("/audit/?action=export")
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page) >= 1 and {e.action for e in page} == {"export"}
    assert "projects" in response.content.decode()
    everything = client_for("auditor").get("/audit/").context["page"]
    assert len({e.action for e in everything}) > 1


def test_a_printed_page_is_logged_with_the_page_and_its_query(world, client_for):
    client = client_for("performance")
    response = client.post("/print/", {"page": "/dashboard/records/alerts/?key=M01"})
    assert response.status_code == 204
    entry = the_export()
    assert entry.object_type == "print" and entry.object_repr == "/dashboard/records/alerts/"
    assert entry.after["filter"]["key"] == "M01" and entry.after["rows"] is None
    assert entry.actor_name == "performance"


@pytest.mark.parametrize("page", ["//evil.example/", "https://evil.example/", "javascript:x", ""])
def test_a_print_of_a_page_off_the_site_is_refused_and_not_logged(world, client_for, page):
    assert client_for("filer").post("/print/", {"page": page}).status_code == 400
    assert not exports().exists()


def test_print_log_takes_only_a_signed_in_post(world, client_for):
    from django.test import Client

    assert Client().post("/print/", {"page": "/targets/"}).status_code == 204
    assert client_for("filer").get("/print/").status_code == 405
    assert not exports().exists()


def test_every_page_posts_its_prints_to_the_print_log():
    from pathlib import Path

    from django.urls import reverse

    script = Path(__file__).resolve().parents[2] / "static" / "jixiao" / "page.js"
    text = script.read_text(encoding="utf-8")
    assert "beforeprint" in text and f'sendBeacon("{reverse("print-log")}"' in text


def test_api_export_entries_are_shown_to_the_callers_auditor(world, client_for):
    for i in range(3):
        _project(world, i, tag="R")
    client_for("filer").get("/api/v1/projects?page_size=2&region=100000")
    assert the_export().region_code == "100101"
    page = client_for("auditor").get("/audit/?action=export").context["page"]
    assert [e.object_type for e in page] == ["projects"]


def test_library_export_counts_the_rows_written(world, client_for):
    from jixiao.indicators.selectors import template_list

    response = client_for("filer").get("/library/?export=xlsx&q=满意度")
    assert response.status_code == 200
    entry = the_export()
    expected = template_list(region=world.region, q="满意度").count()
    assert entry.object_type == "library" and entry.after["rows"] == expected > 0
    assert entry.after["filter"]["q"] == "满意度"
