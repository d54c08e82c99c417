"""The monitoring report form as a filer types into it the night before the deadline: a
refused save keeps everything typed, and amounts read as written (no decimal comma taken for a
thousands separator, full-width digits from a Chinese input method accepted)."""

from decimal import Decimal

import pytest

from jixiao.monitoring.models import Report

from .test_pages_api import monitoring_round, report_of  # noqa: F401 (fixture)


def _form(**amounts) -> dict:
    data = {"executed": "", "expected_full_year": "", "contract_amount": "", "position": ["0"]}
    data.update(amounts)
    return data


def test_a_refused_save_keeps_the_note_the_contract_and_every_row_typed(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    page = client_for("filer").get(f"/monitoring/reports/{report.id}/edit/").content.decode()
    assert 'name="progress-0"' in page and 'name="progress-5"' in page  # every row to fill
    data = _form(executed="3O", contract_amount="12.5", execution_note="招标延期，下半年集中支付")
    data.update(
        {
            "progress-0": "按计划推进六成",
            "expected-0": "全部完成",
            "likelihood-0": "有可能",
            "cause-0": "经费保障",
            "explanation-0": "资金下半年到位",
            "measures-0": "加快拨付",
        }
    )
    response = client_for("filer").post(f"/monitoring/reports/{report.id}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 400 and "不是数字" in page
    assert 'value="3O"' in page and 'value="12.5"' in page
    assert "招标延期，下半年集中支付</textarea>" in page
    assert 'value="按计划推进六成"' in page and 'value="全部完成"' in page
    assert '<option value="有可能" selected>' in page
    assert '<option value="经费保障" selected>' in page
    assert "资金下半年到位</textarea>" in page and "加快拨付</textarea>" in page
    # and nothing of it was saved
    stored = Report.objects.get(pk=report.pk)
    assert stored.execution_note == "" and stored.contract_amount is None
    assert stored.indicators.get(position=0).progress == ""


def test_a_decimal_comma_is_refused_not_read_as_a_thousands_separator_nor_words(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    response = client_for("filer").post(
        f"/monitoring/reports/{report.id}/edit/", _form(executed="12,5", contract_amount="约100万")
    )
    assert response.status_code == 400
    page = response.content.decode()  # every mistake at once, not the first alone
    assert "执行数“12,5”不是数字。" in page and "合同或进度应付金额“约100万”不是数字。" in page
    assert Report.objects.get(pk=report.pk).executed is None


def test_grouped_thousands_and_full_width_digits_are_read_as_written(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    response = client_for("filer").post(
        f"/monitoring/reports/{report.id}/edit/",
        _form(executed="１，２３４．５", expected_full_year="2,500", contract_amount="８０"),
    )
    assert response.status_code == 302
    stored = Report.objects.get(pk=report.pk)
    assert (stored.executed, stored.expected_full_year, stored.contract_amount) == (
        Decimal("1234.5"),
        Decimal("2500"),
        Decimal("80"),
    )


def test_the_report_page_says_why_the_filer_cannot_complete_it_yet(
    world,
    client_for,
    monitoring_round,  # noqa: F811
):
    report = report_of(monitoring_round)
    client = client_for("filer")
    page = client.get(f"/monitoring/reports/{report.id}/").content.decode()
    assert "还不能“填报完成”：" in page and "请填写截至监控期的执行数。" in page
    data = _form(executed="30", position=[str(i) for i in range(6)])
    data.update({f"progress-{i}": "按计划推进" for i in range(6)})
    assert client.post(f"/monitoring/reports/{report.id}/edit/", data).status_code == 302
    page = client.get(f"/monitoring/reports/{report.id}/").content.decode()
    assert "还不能" not in page and 'value="complete"' in page


@pytest.fixture
def spent_slowly(world, monitoring_round):  # noqa: F811
    """The filer's report of P1 saved with little spent, so M01 and its to-do are raised."""
    from jixiao.monitoring.services import report_save

    report = report_of(monitoring_round)
    return report_save(actor=world.filer, report=report, executed=Decimal("30"),
                       expected_full_year=None)  # fmt: skip


def test_a_refused_disposal_keeps_the_choice_and_the_reason_typed(world, client_for, spent_slowly):
    from jixiao.monitoring.models import Alert

    alert = Alert.objects.get(code="M01")
    client = client_for("filer")
    response = client.post(f"/alerts/{alert.id}/", {"disposal": "adjust", "reason": "  "})
    page = response.content.decode()
    assert "请填写处置理由。" in page and 'value="adjust" required checked>' in page
    response = client.post(f"/alerts/{alert.id}/", {"disposal": "", "reason": "下半年集中调剂"})
    page = response.content.decode()
    assert "请选择处置方式" in page and "下半年集中调剂</textarea>" in page
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_the_english_to_dos_read_with_an_english_colon(world, client_for, spent_slowly):
    client = client_for("filer")
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert "Fill in the monitoring report: 项目P1" in page
    assert "Dispose of the alert M01: 项目P1" in page and "：项目P1" not in page
