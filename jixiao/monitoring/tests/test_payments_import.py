"""The payment import at province scale (issue 16): a 区划代码 column spreads one file over the
districts of the importing user's scope, and the import runs in a fixed number of queries."""

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.budgets.models import Payment, Project
from jixiao.core import audit
from jixiao.core.imports import run_import
from jixiao.core.models import AuditLog, AuditObject
from jixiao.core.tabular import InputRejected, read_tables
from jixiao.monitoring.importers import PaymentImporter
from jixiao.monitoring.models import Alert, Report
from jixiao.monitoring.services import round_open
from jixiao.orgs.models import Role, User
from jixiao.targets.models import Target

HEADER = ("区划代码", "项目编码", "年度", "月份", "支付金额（万元）")


def xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def city_budget(world):
    """The city's budget office: both districts are in its scope."""
    return User.objects.create(
        username="city_budget",
        full_name="市预算科",
        roles=[Role.BUDGET],
        region=world.city,
        password_changed_at=timezone.now(),
    )


@pytest.fixture
def twin(world):
    """A project of 乙区 with the code of 甲区's P1 (codes are unique per region only)."""
    return Project.objects.create(
        region=world.region_b,
        year=2022,
        code="P1",
        name="乙区项目P1",
        unit=world.units["UB"],
        full_current=Decimal("50"),
    )


@pytest.fixture(autouse=True, params=["one process", "alerts ahead"])
def alerts_ahead(request, settings):
    """Every test here twice: as a small file imports (one process), and with the alerts
    planned in a second process while the payments are written (`payments_changed`'s
    `ahead`), as a province's file imports."""
    if request.param == "alerts ahead":
        settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0
        settings.JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS = 0
    return request.param


def paid(project) -> dict:
    return dict(Payment.objects.filter(project=project).values_list("month", "amount"))


@pytest.mark.parametrize("header", ["区划代码", "财政区划代码", "mof_div_code"])
def test_province_file_with_region_column_pays_each_districts_own_project(
    world, city_budget, twin, header
):
    rows = [
        ("100101", "P1", 2022, 3, "5"),
        ("100102", "P1", 2022, 3, "7"),
        ("100102", "PB", 2022, 4, "1.25"),
        ("100101", "P2", 2022, 4, "2"),
    ]
    result = run_import(
        PaymentImporter(actor=city_budget, region=world.city),
        xlsx(rows, header=(header, *HEADER[1:])),
        "province.xlsx",
    )
    assert (result.rows, result.created, result.updated) == (4, 4, 0)
    assert paid(world.projects["P1"]) == {3: Decimal("5")}
    assert paid(twin) == {3: Decimal("7")}
    assert paid(world.projects["PB"]) == {4: Decimal("1.25")}
    assert paid(world.projects["P2"]) == {4: Decimal("2")}


def test_without_the_region_column_codes_are_those_of_the_importing_region(world, twin):
    run_import(
        PaymentImporter(actor=world.budget, region=world.region),
        csv([("P1", 2022, 3, "5")], header=HEADER[1:]),
        "district.csv",
    )
    assert paid(world.projects["P1"]) == {3: Decimal("5")}
    assert paid(twin) == {}


def test_a_region_outside_the_users_scope_refuses_the_whole_file(world, twin):
    rows = [("100101", "P1", 2022, 3, "5"), ("100102", "P1", 2022, 3, "7")]
    with pytest.raises(InputRejected) as info:
        run_import(
            PaymentImporter(actor=world.budget, region=world.region), csv(rows), "province.csv"
        )
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (3, "A")
    assert "100102" in problem.message and "权限范围" in problem.message
    assert not Payment.objects.exists()
    assert not Alert.objects.exists()


def test_a_region_in_scope_but_outside_the_importing_region_is_refused(world, city_budget):
    rows = [("100102", "PB", 2022, 3, "5")]
    with pytest.raises(InputRejected) as info:
        run_import(PaymentImporter(actor=city_budget, region=world.region), csv(rows), "p.csv")
    assert "不在本次导入的区划" in info.value.problems[0].message
    assert not Payment.objects.exists()


def test_an_unknown_region_code_is_named_with_its_row(world, city_budget):
    rows = [("100101", "P1", 2022, 3, "5"), ("999999", "P1", 2022, 3, "5")]
    with pytest.raises(InputRejected) as info:
        run_import(PaymentImporter(actor=city_budget, region=world.city), csv(rows), "p.csv")
    [problem] = info.value.problems
    assert problem.row == 3 and "999999" in problem.message
    assert not Payment.objects.exists()


def test_a_code_missing_in_the_named_region_says_which_region(world, city_budget):
    rows = [("100102", "P2", 2022, 3, "5")]  # P2 is 甲区's
    with pytest.raises(InputRejected) as info:
        run_import(PaymentImporter(actor=city_budget, region=world.city), csv(rows), "p.csv")
    assert "100102" in info.value.problems[0].message
    assert "没有项目编码" in info.value.problems[0].message


def test_reimporting_changed_months_updates_them_and_audits_one_entry_per_file(world, city_budget):
    importer = PaymentImporter(actor=city_budget, region=world.city)
    run_import(importer, csv([("100101", "P1", 2022, 3, "5")]), "a.csv")
    before = AuditLog.objects.count()
    rows = [("100101", "P1", 2022, 3, "6"), ("100101", "P1", 2022, 4, "1")]
    result = run_import(PaymentImporter(actor=city_budget, region=world.city), csv(rows), "b.csv")
    assert (result.created, result.updated) == (1, 1)
    assert paid(world.projects["P1"]) == {3: Decimal("6"), 4: Decimal("1")}
    batches = AuditLog.objects.filter(changes__isnull=False).order_by("-id")
    assert AuditLog.objects.count() - before == 2  # the import's own entry and its batch entry
    history = audit.object_history("budgets.project", world.projects["P1"].pk)
    last = [e for e in history if e.batch == batches[0].batch][-1]
    assert last.before == {"3": "5.000000"} and last.after == {"3": "6.000000", "4": "1.000000"}
    assert last.actor_name == "city_budget"


def _projects(world, count: int) -> list[str]:
    """`count` projects of 甲区 with an approved target, each in an open round (added by
    hand)."""
    projects = Project.objects.bulk_create(
        Project(
            region=world.region,
            year=2022,
            code=f"Q{n:04d}",
            name=f"项目Q{n}",
            unit=world.units["U1"],
            full_current=Decimal("100"),
        )
        for n in range(count)
    )
    Target.objects.bulk_create(
        Target(region=p.region, year=p.year, unit=p.unit, project=p, status="approved")
        for p in projects
    )
    round_open(
        actor=world.performance,
        region=world.region,
        year=2022,
        code="2022-07",
        name="1–7月监控",
        period_end=dt.date(2022, 7, 31),
        deadline=dt.date(2022, 8, 15),
        extra_projects=projects,
    )
    return [p.code for p in projects]


def _queries(world, codes: list[str]) -> int:
    rows = [("100101", code, 2022, month, "1.5") for code in codes for month in range(1, 13)]
    with CaptureQueriesContext(connection) as ctx:
        run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "q.csv")
    return len(ctx)


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    codes = _projects(world, 65)
    _queries(world, codes[:5])  # what is read once a process (the rulebook, say)
    small = _queries(world, codes[5:15])  # 120 rows
    large = _queries(world, codes[15:])  # 600 rows
    assert large == small
    # every report's execution came from its payments and raised its alerts on the way
    assert Report.objects.filter(project__code__in=codes, executed=Decimal("10.5")).count() == 65
    assert Alert.objects.filter(project__code__in=codes, code="M01", level="red").count() == 65


def _requeries(world, codes: list[str], amount: str) -> int:
    rows = [("100101", code, 2022, month, amount) for code in codes for month in range(1, 13)]
    with CaptureQueriesContext(connection) as ctx:
        run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "r.csv")
    return len(ctx)


def test_a_reimport_changing_stored_alerts_takes_as_many_queries_for_few_projects_as_many(world):
    codes = _projects(world, 65)
    _queries(world, codes)  # every project's months and alerts stored
    messages = dict(Alert.objects.filter(project__code__in=codes).values_list("pk", "message"))
    _requeries(world, codes[:5], "0.5")  # what is read once a process
    small = _requeries(world, codes[5:15], "0.5")
    large = _requeries(world, codes[15:], "0.5")
    assert large == small
    # the stored alerts were changed (their message names the new execution), not raised again
    changed = dict(Alert.objects.filter(pk__in=messages).values_list("pk", "message"))
    assert len([pk for pk in messages if changed[pk] != messages[pk]]) >= 65
    updates = AuditObject.objects.filter(object_type="monitoring.alert", action="update")
    assert updates.count() >= 65


@pytest.mark.parametrize(
    "december, before",
    [("0", "10"), ("30", "70"), ("30.01", "69.99"), ("25", "110"), ("10", "10"), ("5", "0")],
)
def test_year_end_rush_alone_finds_what_all_alerts_find_of_m05(december, before):
    import jixiao.monitoring.rules  # noqa: F401  (registers the "monitoring" section)
    from jixiao.core import rulebook
    from jixiao.monitoring.alerts import alerts, year_end_rush
    from jixiao.monitoring.report_data import Amounts, MonitoringReport

    rules = rulebook.named("national").section("monitoring")
    payments = {1: Decimal(before), 12: Decimal(december)}
    report = MonitoringReport(
        period_end=dt.date(2022, 12, 31),
        payments=payments,
        amounts=Amounts(full_year=Decimal("200")),
        project="项目",
        year=2022,
    )
    every = alerts(report, rules=rules, today=dt.date(2023, 1, 5)).alerts
    assert year_end_rush(report, rules=rules) == tuple(a for a in every if a.code == "M05")


ALERT_COLUMNS = ("project__code", "round__code", "report_id", "code", "level", "indicator",
                 "message", "explanation", "texts_i18n", "due_date", "status")  # fmt: skip


def _outcome() -> tuple[list, list]:
    """Every alert (by project, round, code, indicator) with its message data, and every
    report's execution."""
    alerts = sorted(
        Alert.objects.values_list(*ALERT_COLUMNS),
        key=lambda a: (a[0], a[1] or "", a[3], a[5] or -1),
    )
    reports = sorted(
        Report.objects.values_list("project__code", "executed", "execution_from_payments")
    )
    return alerts, reports


def test_a_province_files_alerts_equal_those_of_saving_its_payments_one_by_one(world, city_budget):
    """The bulk import (alerts as plain values, messages' data computed once) against the
    services a single save runs: each payment saved, each report's execution from its
    payments and `refresh_alerts`, each year's rush through `sync_alerts`."""
    from jixiao.monitoring.alerts import year_end_rush
    from jixiao.monitoring.report_data import Amounts, MonitoringReport
    from jixiao.monitoring.services import (
        monitoring_rules,
        payments_to,
        refresh_alerts,
        sync_alerts,
    )

    codes = _projects(world, 8)
    # slow, on time, rushing in December, and paid nothing until December
    plans = [[1] * 12, [9] * 12, [2] * 11 + [60], [0] * 11 + [30]]
    rows = [
        ("100101", code, 2022, month, str(plans[n % 4][month - 1] + n))
        for n, code in enumerate(codes)
        for month in range(1, 13)
    ]
    run_import(PaymentImporter(actor=city_budget, region=world.city), csv(rows), "p.csv")
    imported = _outcome()

    Alert.objects.all().delete()
    Payment.objects.all().delete()
    Report.objects.update(executed=None, execution_from_payments=False)
    today = timezone.localdate()
    for code_, year_, month, amount in (row[1:] for row in rows):
        project = Project.objects.get(region=world.region, year=year_, code=code_)
        Payment.objects.create(project=project, month=month, amount=Decimal(amount))
    for report in Report.objects.filter(project__code__in=codes).select_related("round"):
        report.executed = payments_to(report.project, report.round.period_end)
        report.execution_from_payments = True
        report.save()
        refresh_alerts(Report.objects.get(pk=report.pk), today=today)  # amounts as stored
    for project in Project.objects.filter(code__in=codes):
        rules = monitoring_rules(project.region, project.year)
        year = MonitoringReport(
            period_end=dt.date(project.year, 12, 31),
            payments=paid(project),
            amounts=Amounts(full_year=project.full_total),
            project=project.name,
            year=project.year,
        )
        found = year_end_rush(year, rules=rules)
        sync_alerts(project=project, report=None, round=None, found=found, rules=rules,
                    today=today, codes={"M05"})  # fmt: skip
    one_by_one = _outcome()

    assert {a[3] for a in imported[0]} >= {"M01", "M05", "M07"}
    assert all(a[8] for a in imported[0])  # every alert has its message data
    assert imported == one_by_one


def test_each_new_alerts_audit_change_is_the_snapshot_of_its_stored_row(world):
    codes = _projects(world, 3)
    rows = [("100101", code, 2022, month, "1") for code in codes for month in range(1, 13)]
    run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "a.csv")
    alerts = Alert.objects.filter(project__code__in=codes)
    assert alerts.count() >= 3
    for alert in alerts:
        [change] = audit.object_history("monitoring.alert", alert.pk)
        assert (change.action, change.before) == ("create", None)
        assert change.after == json.loads(json.dumps(audit.snapshot(alert)))
        assert change.object_repr == f"{alert.code} {alert.project.name}"


def test_a_december_no_longer_rushing_clears_the_years_alert(world):
    [code] = _projects(world, 1)

    def year(december: str) -> None:
        rows = [("100101", code, 2022, m, "1") for m in range(1, 12)]
        rows.append(("100101", code, 2022, 12, december))
        run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "y.csv")

    year("50")
    rush = Alert.objects.get(project__code=code, code="M05", round=None)  # the year's own
    assert rush.status == Alert.Status.OPEN
    year("1")  # now an ordinary month: the stored alert is cleared, not left open
    rush.refresh_from_db()
    assert rush.status == Alert.Status.CLEARED


def _parsed(world, data: bytes) -> list[tuple]:
    """The values of each parsed line (without its row number and place)."""
    [sheet] = read_tables(data, "p.csv")
    lines, problems = PaymentImporter(actor=world.budget, region=world.region).parse(sheet)
    assert problems == []
    return [line[2:] for line in lines]


def test_a_file_read_a_column_at_a_time_gives_what_reading_it_line_by_line_gives(world):
    rows = [
        ("100101", "P1", "2022", "3", "5"),
        ("100101", " P2 ", "2022年", "4月", "0.000001"),
        ("100101", "P1", "2022", "12", "123456789012.5"),
    ]
    whole = _parsed(world, csv(rows))
    # a blank line in the middle sends the file through the line-by-line loop
    broken = csv(rows[:1]) + b",,,,\n" + csv(rows[1:], header=())[1:]
    assert _parsed(world, broken) == whole
    assert [line[1:6] for line in whole] == [
        ("P1", 2022, 3, None, Decimal("5")),
        ("P2", 2022, 4, None, Decimal("0.000001")),
        ("P1", 2022, 12, None, Decimal("123456789012.5")),
    ]


def test_an_amount_holding_a_line_break_reads_as_a_cell_of_its_own_would(world):
    """One match over the amounts joined by line breaks must not take a cell's own line break
    for the end of a cell: "12⏎34" reads as `amount` reads it (spaces dropped)."""
    data = csv([("100101", "P1", 2022, 3, "5")]) + b'100101,P1,2022,4,"12\n34"\n'
    data += b"100101,P1,2022,5,7\n"
    run_import(PaymentImporter(actor=world.budget, region=world.region), data, "p.csv")
    assert paid(world.projects["P1"]) == {3: Decimal("5"), 4: Decimal("1234"), 5: Decimal("7")}


def test_rows_that_fill_whole_insert_statements_are_all_stored(world):
    codes = _projects(world, 34)
    rows = [("100101", code, 2022, month, "1.5") for code in codes[:33] for month in range(1, 13)]
    rows += [("100101", codes[33], 2022, month, "2") for month in (1, 2)]  # 398 = 2 × 199 rows
    run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "p.csv")
    stored = Payment.objects.filter(project__code__in=codes)
    assert stored.count() == 398
    assert sum(stored.values_list("amount", flat=True)) == Decimal("1.5") * 396 + 4
    entry = AuditLog.objects.filter(object_type="budgets.project").latest("id")
    positions = AuditObject.objects.filter(entry=entry).values_list("position", flat=True)
    assert sorted(positions) == list(range(34 + Alert.objects.count()))


def test_an_xlsx_column_of_numbers_reads_as_each_cell_alone_would(world):
    rows = [
        ("100101", "P1", 2022, 3, 207.4538),
        ("100101", "P1", 2022, 4, 0.1 + 0.2),  # float noise, rounded to the places kept
        ("100101", "P1", 2022, 5, 5),
        ("100101", "P1", 2022, 6, 0.0000005),
    ]
    [sheet] = read_tables(xlsx(rows), "p.xlsx")
    importer = PaymentImporter(actor=world.budget, region=world.region)
    lines, _problems = importer.parse(sheet)
    sheet.rows.insert(2, (None,) * 5)  # a blank row: the line-by-line loop
    slow, _problems = importer.parse(sheet)
    expected = [Decimal("207.4538"), Decimal("0.3"), Decimal("5"), Decimal("0.000001")]
    assert [line[-1] for line in lines] == [line[-1] for line in slow] == expected


@pytest.mark.parametrize("amount_header", ["支付金额（万元）", "支付金额（元）"])
def test_a_clean_files_totals_worked_out_a_column_at_a_time_equal_the_line_by_line_check(
    world, city_budget, twin, monkeypatch, amount_header
):
    from jixiao.monitoring import importers

    rows = [
        ("100101", "P1", "2022", "3", "5.5"),
        ("100102", "P1", "2022", "3", "7"),  # the same code in the other district
        ("100101", "P1", "2022", "12", "10000"),
    ]
    home = [("100101", "P1", "2022", "3", "5.5"), ("", "P2", "2022", "4", "0.000001")]
    header = (*HEADER[:4], amount_header)

    def checked():
        found = []
        for actor, region, lines in ((city_budget, world.city, rows), (world.budget, world.region, home)):  # fmt: skip
            importer = PaymentImporter(actor=actor, region=region)
            [sheet] = read_tables(csv(lines, header=header), "p.csv")
            importer.inspect([sheet])
            parsed, _problems = importer.parse(sheet)
            found.append((importer.check(parsed), dict(importer._totals)))
        return found

    by_columns = checked()
    monkeypatch.setattr(importers, "_whole_totals", lambda *args: None)  # the loop alone
    assert checked() == by_columns
    p1, p2 = world.projects["P1"].pk, world.projects["P2"].pk
    scale = Decimal(10000) if "（元）" in amount_header else Decimal(1)
    assert by_columns == [
        (
            [],
            {
                (p1, 3): Decimal("5.5") / scale,
                (twin.pk, 3): Decimal("7") / scale,
                (p1, 12): Decimal("10000") / scale,
            },
        ),
        ([], {(p1, 3): Decimal("5.5") / scale, (p2, 4): Decimal("0.000001") / scale}),
    ]


def test_a_file_naming_a_month_twice_is_refused_at_its_row_though_every_line_reads(world):
    rows = [("100101", "P1", "2022", "3", "5"), ("100101", "P1", "2022", "3", "6")]
    importer = PaymentImporter(actor=world.budget, region=world.region)
    [sheet] = read_tables(csv(rows), "p.csv")
    lines, _problems = importer.parse(sheet)
    [problem] = importer.check(lines)
    assert (problem.sheet, problem.row, problem.column) == ("p.csv", 3, "D")
    assert "重复" in problem.message


def test_the_reused_encoders_write_what_json_dumps_writes():
    from jixiao.monitoring.payments import _json_prep

    value = {
        "message": "执行进度滞后：“甲”\n\t\\",
        "amount": "12.500000",
        "rate": 0.1 + 0.2,
        "items": [1, None, True, {"嵌套": "é"}],
        "\u2028": "\x00",
    }
    assert audit._encode(value) == json.dumps(value, ensure_ascii=False)
    assert _json_prep(value) == json.dumps(value)
    assert _json_prep(None) is None  # SQL NULL, as a JSONField stores None
    with pytest.raises(TypeError):
        audit._encode({"amount": Decimal("1")})  # what json.dumps refuses, refused


def test_projects_and_reports_read_a_column_at_a_time_equal_values_list(world):
    from jixiao.monitoring.payments import (
        PROJECT_FIELDS,
        REPORT_FIELDS,
        ProjectRow,
        ReportRow,
        plain_rows,
    )

    codes = _projects(world, 3)
    Project.objects.filter(code="P2").update(full_carryover=Decimal("0.1"), initial_other=3)
    reports = Report.objects.filter(project__code__in=codes).order_by("pk")
    assert reports.count() == 3
    Report.objects.filter(pk=reports[0].pk).update(
        executed=Decimal("12.5"), submitted_at=timezone.now(), execution_from_payments=True
    )
    Report.objects.filter(pk=reports[1].pk).update(executed=Decimal("12.5"))  # a value twice
    for model, kind, fields in (
        (Project, ProjectRow, PROJECT_FIELDS),
        (Report, ReportRow, REPORT_FIELDS),
    ):
        queryset = model.objects.order_by("pk")
        expected = [kind(*row) for row in queryset.values_list("pk", *fields)]
        got = plain_rows(kind, queryset, fields)
        assert [(type(v), v) for r in got for v in _values(r)] == [
            (type(v), v) for r in expected for v in _values(r)
        ]


def _values(row) -> list:
    return [getattr(row, name) for name in row.__slots__ if name not in ("project", "round")]


def test_a_projects_month_document_is_the_text_json_dumps_writes_of_its_months(world):
    from jixiao.monitoring.payments import write_payments

    [code] = _projects(world, 1)
    project = Project.objects.get(code=code)
    same = Decimal("7.5")  # one amount object for two months, as the parse shares them
    totals = {(project.pk, 3): Decimal("1.25"), (project.pk, 1): same, (project.pk, 12): same}
    _created, _updated, [change], _paid = write_payments(totals, labels={project.pk: (code, "")})
    expected = {3: "1.250000", 1: "7.500000", 12: "7.500000"}  # in the file's order
    assert change.after == json.dumps(expected, ensure_ascii=False)
    assert change.as_dict()["after"] == {str(m): text for m, text in expected.items()}


def test_totals_given_as_columns_are_written_as_the_same_totals_given_as_a_dict(world):
    """A good file's totals come as `MonthlyTotals` (three columns, no key tuples): the same
    rows in the same order, the same audit documents and months as the dict the check's loop
    gives; as a mapping it reads as that dict."""
    from jixiao.monitoring.payments import MonthlyTotals, write_payments

    codes = _projects(world, 2)
    pk = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
    a, b = (pk[code] for code in codes)
    labels = {pk[code]: (code, "") for code in codes}
    same = Decimal("7.5")
    lines = [(b, 3, Decimal("1.25")), (a, 12, same), (b, 1, same), (a, 2, Decimal("3"))]
    as_dict = {(project, month): amount for project, month, amount in lines}
    columns = MonthlyTotals(*map(list, zip(*lines, strict=True)))
    assert dict(columns) == as_dict and list(columns) == list(as_dict) and len(columns) == 4
    found = []
    for totals in (as_dict, columns):
        Payment.objects.all().delete()
        created, updated, changes, paid = write_payments(totals, labels=labels)
        stored = list(Payment.objects.order_by("pk").values_list("project_id", "month", "amount"))
        found.append((created, updated, [c.as_dict() for c in changes], paid, stored))
    assert found[0] == found[1]
    # the projects in order, each one's months in the file's
    assert found[1][4] == [(a, 12, same), (a, 2, Decimal("3")), (b, 3, Decimal("1.25")),
                           (b, 1, same)]  # fmt: skip


def test_projects_paid_first_and_again_in_one_chunk_are_written_as_each_alone(world):
    """A chunk of projects all paid for the first time is made a column at a time, any other
    month by month: the same rows in the same order, and the same audit documents."""
    from jixiao.monitoring.payments import write_payments

    codes = _projects(world, 4)
    pk = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
    a, b, c, d = (pk[code] for code in codes)
    labels = {pk[code]: (code, "") for code in codes}
    write_payments({(a, 1): Decimal("1")}, labels=labels)
    same = Decimal("7.5")
    mixed = {(a, 1): Decimal("2"), (a, 2): Decimal("3"), (b, 3): Decimal("1.25"),
             (b, 1): same, (b, 12): same}  # fmt: skip
    first = {(c, 3): Decimal("1.25"), (c, 1): same, (c, 12): same, (d, 5): Decimal("4")}
    _n, _u, changed, _p = write_payments(mixed, labels=labels)
    _n, _u, fresh, _p = write_payments(first, labels=labels)
    stored = list(Payment.objects.order_by("pk").values_list("project_id", "month", "amount"))
    assert stored[1:] == [(a, 2, Decimal("3")), (b, 3, Decimal("1.25")), (b, 1, same),
                          (b, 12, same), (c, 3, Decimal("1.25")), (c, 1, same), (c, 12, same),
                          (d, 5, Decimal("4"))]  # fmt: skip

    def text(value):  # as `audit.record_batch` stores it
        return value if isinstance(value, audit.Encoded) else audit.encode(value)

    documents = [(ch.object_id, text(ch.before), text(ch.after)) for ch in changed + fresh]
    months = '{"3": "1.250000", "1": "7.500000", "12": "7.500000"}'
    assert documents == [
        (str(a), '{"1": "1.000000"}', '{"1": "2.000000", "2": "3.000000"}'),
        (str(b), "null", months),
        (str(c), "null", months),
        (str(d), "null", '{"5": "4.000000"}'),
    ]


def test_new_alerts_snapshots_are_the_text_json_dumps_writes_of_each_row():
    from jixiao.monitoring.payments import _SNAPSHOT, _snapshots

    names = [name for name, _is_date in _SNAPSHOT]
    day = dt.date(2022, 8, 15)
    column = {  # what the shared values look like: one due date, the same round, kinds mixed
        "id": [7, 8, 9],
        "region_id": [1, 1, 2],
        "indicator": [None, 0, 1],
        "message": ["执行率“低”\n", "执行率“低”\n", "百分之%s"],
        "due_date": [day, day, dt.date(2022, 9, 1)],
        "code": ["M01", "M03", "M03"],
    }
    same = {"raised_at": timezone.make_aware(dt.datetime(2022, 8, 1, 9, 30)), "status": "open"}
    got = _snapshots(column, same)
    for row, text in enumerate(got):
        value = {}
        for name, is_date in _SNAPSHOT:
            if name in column:
                found = column[name][row]
            else:
                found = same.get(name, Alert._meta.get_field(name).get_default())
            value[name] = found.isoformat() if is_date and found is not None else found
        assert text == json.dumps({n: value[n] for n in names}, ensure_ascii=False)
        assert isinstance(text, audit.Encoded)
    # made by a planning process, without the id and the time raised, filled in here
    holes = _snapshots(
        {k: v for k, v in column.items() if k != "id"}, same, holes=("id", "raised_at")
    )
    raised = audit.encode(same["raised_at"].isoformat())
    assert [text % (pk, raised) for text, pk in zip(holes, column["id"], strict=True)] == got


def test_an_import_leaves_the_collector_running_and_nothing_frozen(world):
    import gc

    codes = _projects(world, 2)
    rows = [("100101", code, 2022, month, "1") for code in codes for month in range(1, 13)]
    run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "a.csv")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_amounts_a_file_stores_are_the_values_a_saved_payment_stores(world):
    """The import binds each amount as its text (SQLite's adapter for a Decimal is `str`): the
    database must keep what saving the same Decimal through the ORM keeps, storage class
    included (an integer for a whole amount, a real otherwise, on SQLite)."""
    amounts = ["0", "100", "63.85", "0.000001", "123456789012.5", "7.5"]
    [imported, saved] = _projects(world, 2)
    rows = [("100101", imported, 2022, month, a) for month, a in enumerate(amounts, start=1)]
    run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "p.csv")
    project = Project.objects.get(region=world.region, code=saved)
    for month, a in enumerate(amounts, start=1):
        Payment(
            project=project, month=month, amount=Decimal(a).quantize(Decimal("0.000001"))
        ).save()

    def raw(code: str) -> list:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT y.month, y.amount FROM budgets_payment y JOIN budgets_project p"
                " ON p.id = y.project_id WHERE p.code = %s ORDER BY y.month",
                [code],
            )
            return [(month, type(value), value) for month, value in cursor.fetchall()]

    assert raw(imported) == raw(saved)
    assert paid(Project.objects.get(region=world.region, code=imported))[3] == Decimal("63.85")
