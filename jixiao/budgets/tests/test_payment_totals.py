"""The payments added up per project (`PaymentTotal`): every writer of payments leaves the kept
year's and December's totals equal to the sums over the payments, in its own transaction."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from jixiao.budgets.models import Payment, PaymentTotal
from jixiao.budgets.services import refresh_payment_totals
from jixiao.core.imports import run_import
from jixiao.core.models import ApiToken
from jixiao.core.tabular import InputRejected
from jixiao.monitoring.importers import PaymentImporter
from jixiao.monitoring.tests.test_payments_import import HEADER, csv, xlsx

ROWS = [("P1", 2022, m, "1.25") for m in range(1, 12)] + [("P1", 2022, 12, "20.5")]


def sums_over_payments() -> dict[int, tuple[Decimal, Decimal]]:
    """project id → (its payments added up, its December's), in Python from the stored rows."""
    out: dict[int, tuple[Decimal, Decimal]] = {}
    for project_id, month, amount in Payment.objects.values_list("project_id", "month", "amount"):
        total, december = out.get(project_id, (Decimal(0), Decimal(0)))
        out[project_id] = (total + amount, december + (amount if month == 12 else 0))
    return out


def kept() -> dict[int, tuple[Decimal, Decimal]]:
    return {
        pk: (total, december)
        for pk, total, december in PaymentTotal.objects.values_list("pk", "total", "december")
    }


def import_rows(world, rows, *, name="p.xlsx"):
    data = (csv if name.endswith(".csv") else xlsx)(rows, header=HEADER[1:])
    return run_import(PaymentImporter(actor=world.budget, region=world.region), data, name)


def test_an_import_keeps_each_projects_year_and_december_totals(world):
    import_rows(world, ROWS + [("P2", 2022, 3, "7")])
    p1, p2 = world.projects["P1"].pk, world.projects["P2"].pk
    assert kept() == {p1: (Decimal("34.25"), Decimal("20.5")), p2: (Decimal(7), Decimal(0))}
    assert kept() == sums_over_payments()


def test_a_csv_import_keeps_the_same_totals_as_an_xlsx_one(world):
    import_rows(world, ROWS, name="p.csv")
    assert kept() == {world.projects["P1"].pk: (Decimal("34.25"), Decimal("20.5"))}
    assert kept() == sums_over_payments()


def test_reimporting_changed_months_replaces_the_totals(world):
    import_rows(world, ROWS + [("P2", 2022, 3, "7")])
    import_rows(world, [("P1", 2022, 12, "2"), ("P1", 2022, 3, "0.75"), ("P2", 2022, 12, "1")])
    p1, p2 = world.projects["P1"].pk, world.projects["P2"].pk
    assert kept() == {p1: (Decimal("15.25"), Decimal(2)), p2: (Decimal(8), Decimal(1))}
    assert kept() == sums_over_payments()


def test_a_refused_import_keeps_no_totals(world):
    with pytest.raises(InputRejected):
        import_rows(world, [*ROWS, ("NOPE", 2022, 1, "1")])
    assert not PaymentTotal.objects.exists()


def test_an_api_push_keeps_the_totals(world):
    _token, key = ApiToken.objects.issue(world.users["budget"])
    rows = [{"code": code, "year": y, "month": m, "amount": a} for code, y, m, a in ROWS]
    response = Client().post(
        "/api/v1/payments",
        {"rows": rows},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    assert kept() == {world.projects["P1"].pk: (Decimal("34.25"), Decimal("20.5"))}
    assert kept() == sums_over_payments()


def test_payments_deleted_leave_the_total_of_what_remains_or_none(world):
    import_rows(world, ROWS + [("P2", 2022, 3, "7")])
    p1, p2 = world.projects["P1"], world.projects["P2"]
    Payment.objects.filter(project=p1, month=12).delete()
    Payment.objects.filter(project=p2).delete()
    refresh_payment_totals([p1.pk, p2.pk])
    assert kept() == {p1.pk: (Decimal("13.75"), Decimal(0))}
    assert kept() == sums_over_payments()


def test_deleting_a_project_deletes_its_total(world):
    import_rows(world, [("P2", 2022, 3, "7")])  # no alert (which would protect the project)
    world.projects["P2"].delete()
    assert not PaymentTotal.objects.exists()


def test_refreshing_many_projects_in_chunks_keeps_each_total(world, monkeypatch):
    import_rows(world, ROWS + [("P2", 2022, 12, "3")])
    PaymentTotal.objects.all().delete()
    monkeypatch.setattr("jixiao.budgets.services.TOTALS_CHUNK", 1)
    refresh_payment_totals([world.projects["P2"].pk, world.projects["P1"].pk, 999_999])
    assert kept() == sums_over_payments() and len(kept()) == 2


def test_the_migration_fills_the_totals_of_the_payments_already_stored(world):
    import_rows(world, ROWS + [("P2", 2022, 3, "7")])
    PaymentTotal.objects.all().delete()
    migration = importlib.import_module("jixiao.budgets.migrations.0007_paymenttotal")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
    assert kept() == sums_over_payments() and len(kept()) == 2
