"""Target pages: declare from a project, edit the grid, live lint, review buttons, scope."""

import re

from jixiao.targets.models import Target, TargetStatus
from jixiao.testing import GOOD_ROWS


def grid_post(rows, **extra):
    data = {
        "goal": "完成改造。",
        "amount_total": "120.623456",
        "amount_current": "100.123456",
        "amount_carryover": "20.5",
        "amount_other": "",
        "serves_public": "on",
        **extra,
    }
    for key in (
        "category",
        "subcategory",
        "name",
        "value_text",
        "unit",
        "weight",
        "basis",
        "explanation",
        "source",
    ):
        data[f"ind-{key}"] = [r.get(key, "") for r in rows]
    return data


def test_filer_declares_from_the_project_page_and_fills_the_grid(world, client_for):
    client = client_for("filer")
    project = world.projects["P1"]
    page = client.get(f"/projects/{project.id}/").content.decode()
    assert "申报绩效目标" in page
    response = client.post("/targets/declare/", {"project": project.id})
    target = Target.objects.get(project=project)
    assert response["Location"] == f"/targets/{target.id}/edit/"
    assert client.get(f"/targets/{target.id}/edit/").status_code == 200
    response = client.post(f"/targets/{target.id}/edit/", grid_post(GOOD_ROWS, then="complete"))
    target.refresh_from_db()
    assert target.status == TargetStatus.READY, response.content.decode()[:500]
    assert [i.name for i in target.indicators.order_by("position")][:2] == [
        "改造老旧小区数量",
        "工程验收合格率",
    ]


def test_live_lint_shows_findings_without_saving(world, client_for, declare):
    target = declare()
    rows = [{"category": "产出指标", "subcategory": "数量指标", "name": "数量", "value_text": "/"}]
    response = client_for("filer").post(f"/targets/{target.id}/lint/", grid_post(rows))
    text = response.content.decode()
    assert "T02" in text and "必须修改" in text
    assert Target.objects.get(pk=target.pk).indicators.count() == len(GOOD_ROWS)


def test_bad_amount_is_refused_with_a_message_and_nothing_saved(world, client_for, declare):
    target = declare()
    response = client_for("filer").post(
        f"/targets/{target.id}/edit/", grid_post([], amount_current="12,3x")
    )
    assert response.status_code == 400 and "不是数字" in response.content.decode()
    assert Target.objects.get(pk=target.pk).indicators.count() == len(GOOD_ROWS)


def test_review_buttons_follow_role_and_state(world, client_for, declare):
    target = declare()
    assert "填报完成" in client_for("filer").get(f"/targets/{target.id}/").content.decode()
    assert "初审通过" not in client_for("business").get(f"/targets/{target.id}/").content.decode()
    client_for("filer").post(f"/targets/{target.id}/transition/", {"transition": "complete"})
    client_for("leader").post(
        f"/targets/{target.id}/transition/", {"transition": "submit", "attest": "1"}
    )
    page = client_for("business").get(f"/targets/{target.id}/").content.decode()
    assert "初审通过" in page and "退回" in page
    assert "初审" in client_for("business").get("/targets/queue/").content.decode()


def test_other_unit_gets_404_on_every_target_page(world, client_for, declare):
    target = declare()
    client = client_for("other")
    for url in (f"/targets/{target.id}/", f"/targets/{target.id}/edit/"):
        assert client.get(url).status_code == 404
    for url in (
        f"/targets/{target.id}/lint/",
        f"/targets/{target.id}/transition/",
        f"/targets/{target.id}/adjust/",
        f"/targets/{target.id}/files/",
    ):
        assert client.post(url, {"transition": "complete"}).status_code == 404
    assert "项目P1" not in client.get("/targets/").content.decode()


def test_supporting_file_is_checked_by_content_and_kept_after_removal(world, client_for, declare):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.core.models import Attachment

    target = declare()
    client = client_for("filer")
    fake = SimpleUploadedFile("合同.pdf", b"not a pdf at all")
    client.post(f"/targets/{target.id}/files/", {"file": fake, "kind": "contract"})
    assert not Attachment.objects.exists()
    real = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 minimal")
    client.post(f"/targets/{target.id}/files/", {"file": real, "kind": "contract"})
    attachment = Attachment.objects.get()
    assert client.get(f"/files/{attachment.id}/").status_code == 200
    assert client_for("other").get(f"/files/{attachment.id}/").status_code == 404
    client.post(f"/targets/{target.id}/files/{attachment.id}/remove/")
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert "已移除" in client.get(f"/targets/{target.id}/").content.decode()


def test_reminder_reaches_the_units_that_have_not_submitted(world, client_for, declare):
    from jixiao.targets.models import Reminder

    declare()
    client_for("performance").post("/targets/remind/", {"message": "请于月底前提交"})
    assert set(Reminder.objects.values_list("unit__code", flat=True)) == {"U1", "U2"}
    assert "请于月底前提交" in client_for("filer").get("/").content.decode()


def test_year_close_and_reopen_are_explicit_and_logged(world, client_for):
    from jixiao.budgets.models import FiscalYear
    from jixiao.core.models import AuditLog

    client = client_for("budget")
    client.post("/work-context/", {"year": "2022"})
    client.post("/years/status/", {"action": "close", "reason": ""})
    assert FiscalYear.objects.get(region=world.region, year=2022).is_open
    client.post("/years/status/", {"action": "close", "reason": "年度结束"})
    assert not FiscalYear.objects.get(region=world.region, year=2022).is_open
    client.post("/years/status/", {"action": "reopen", "reason": "补录审计调整"})
    assert FiscalYear.objects.get(region=world.region, year=2022).is_open
    assert AuditLog.objects.filter(message__contains="补录审计调整").exists()


def test_a_line_break_posted_in_a_grid_cell_is_dropped_as_the_page_drops_it(
    world, client_for, declare
):
    # the cells are textareas that wrap; without the page's script a typed line break is posted
    target = declare()
    rows = [dict(GOOD_ROWS[0], name="改造老旧\r\n小区数量", explanation="按竣工\n验收计")]
    rows += GOOD_ROWS[1:]
    client_for("filer").post(f"/targets/{target.id}/edit/", grid_post(rows))
    first = Target.objects.get(pk=target.pk).indicators.order_by("position").first()
    assert (first.name, first.explanation) == ("改造老旧小区数量", "按竣工验收计")


def test_the_reviewers_grade_choices_post_the_official_word_and_read_glossed_in_english(
    world, client_for, declare
):
    target = declare()
    client_for("filer").post(f"/targets/{target.id}/transition/", {"transition": "complete"})
    client_for("leader").post(
        f"/targets/{target.id}/transition/", {"transition": "submit", "attest": "1"}
    )
    reviewer = client_for("business")
    assert (
        '<option value="良">良</option>' in reviewer.get(f"/targets/{target.id}/").content.decode()
    )
    reviewer.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = reviewer.get(f"/targets/{target.id}/").content.decode()
    assert '<option value="优">优 (excellent)</option>' in page
    assert '<option value="差">差 (poor)</option>' in page


def _comment_box(page: str) -> str:
    return re.search(r'<textarea name="comment"[^>]*>([^<]*)</textarea>', page).group(1)


def test_a_refused_step_gives_back_the_comment_typed_once(world, client_for, declare):
    target = declare()
    client_for("filer").post(f"/targets/{target.id}/transition/", {"transition": "complete"})
    leader = client_for("leader")
    refused = leader.post(
        f"/targets/{target.id}/transition/",
        {"transition": "submit", "comment": "已按初审意见补充了测算依据"},  # attestation not ticked
        follow=True,
    )
    page = refused.content.decode()
    assert Target.objects.get(pk=target.pk).status == TargetStatus.READY  # nothing happened
    assert _comment_box(page) == "已按初审意见补充了测算依据"
    assert 'name="attest" value="1">' in page  # the attestation is ticked anew, never kept
    assert _comment_box(leader.get(f"/targets/{target.id}/").content.decode()) == ""
    # another user never sees it
    leader.post(f"/targets/{target.id}/transition/", {"transition": "submit", "comment": "x"})
    assert _comment_box(client_for("filer").get(f"/targets/{target.id}/").content.decode()) == ""


def test_a_refused_approval_gives_back_the_grades_chosen(world, client_for, declare):
    target = declare()
    client_for("filer").post(f"/targets/{target.id}/transition/", {"transition": "complete"})
    client_for("leader").post(
        f"/targets/{target.id}/transition/", {"transition": "submit", "attest": "1"}
    )
    passing = {f"grade_{k}": "优" for k in ("completeness", "relevance", "appropriateness")}
    client_for("business").post(
        f"/targets/{target.id}/transition/",
        {"transition": "pass", **passing, "grade_feasibility": "优", "grade_overall": "优"},
    )
    page = (
        client_for("budget")
        .post(
            f"/targets/{target.id}/transition/",
            {
                "transition": "approve",
                "grade_completeness": "良",
                "grade_overall": "中",  # 中 cannot be approved: refused
                "comment": "测算依据不足",
            },
            follow=True,
        )
        .content.decode()
    )
    assert Target.objects.get(pk=target.pk).status == TargetStatus.FIRST_PASSED
    assert _comment_box(page) == "测算依据不足"
    overall = re.search(r'<select name="grade_overall">(.*?)</select>', page).group(1)
    assert '<option value="中" selected>' in overall
    completeness = re.search(r'<select name="grade_completeness">(.*?)</select>', page).group(1)
    assert '<option value="良" selected>' in completeness
    assert " selected" not in re.search(r'<select name="grade_relevance">(.*?)</select>', page)[1]


def test_a_first_review_passing_a_fair_grade_is_refused_with_what_was_chosen_kept(
    world, client_for, declare
):
    target = declare()
    client_for("filer").post(f"/targets/{target.id}/transition/", {"transition": "complete"})
    client_for("leader").post(
        f"/targets/{target.id}/transition/", {"transition": "submit", "attest": "1"}
    )
    page = (
        client_for("business")
        .post(
            f"/targets/{target.id}/transition/",
            {"transition": "pass", "grade_overall": "中", "comment": "指标值偏低"},
            follow=True,
        )
        .content.decode()
    )
    assert Target.objects.get(pk=target.pk).status == TargetStatus.SUBMITTED
    assert "总体评级为“中”的目标须退回修改，不能审核通过。" in page
    assert _comment_box(page) == "指标值偏低"
    overall = re.search(r'<select name="grade_overall">(.*?)</select>', page).group(1)
    assert '<option value="中" selected>' in overall
