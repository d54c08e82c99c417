"""The monitoring report form refuses text longer than it keeps, saying where, instead of
cutting it unseen; what was typed stays on the page."""

from jixiao.monitoring.models import Report

from .test_pages_api import monitoring_round, report_of  # noqa: F401 (fixture)


def _form(**extra) -> dict:
    return {
        "executed": "",
        "expected_full_year": "",
        "contract_amount": "",
        "position": ["0"],
        **extra,
    }


def test_a_note_over_2000_characters_is_refused_not_cut(world, client_for, monitoring_round):  # noqa: F811
    report = report_of(monitoring_round)
    note = "招标延期" * 625  # 2,500 characters
    response = client_for("filer").post(
        f"/monitoring/reports/{report.id}/edit/", _form(execution_note=note)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "执行情况说明内容过长（2500 个字符，最多 2000 个），请删减后再保存。" in page
    assert f"{note}</textarea>" in page
    assert Report.objects.get(pk=report.pk).execution_note == ""


def test_a_note_of_2000_characters_is_saved_whole(world, client_for, monitoring_round):  # noqa: F811
    report = report_of(monitoring_round)
    note = "说明" * 1000
    response = client_for("filer").post(
        f"/monitoring/reports/{report.id}/edit/", _form(execution_note=note)
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).execution_note == note


def test_a_progress_longer_than_its_column_is_refused_by_row(world, client_for, monitoring_round):  # noqa: F811
    report = report_of(monitoring_round)
    progress = "完成" * 101  # 202 characters; the column keeps 200
    response = client_for("filer").post(
        f"/monitoring/reports/{report.id}/edit/",
        _form(**{"position": ["0", "1"], "progress-1": progress, "expected-0": "全部完成"}),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行指标的截至监控期完成值内容过长（202 个字符，最多 200 个）" in page
    assert f'value="{progress}"' in page and 'value="全部完成"' in page
    assert Report.objects.get(pk=report.pk).indicators.get(position=1).progress == ""
