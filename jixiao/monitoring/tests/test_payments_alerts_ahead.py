"""A large payment file has its alerts judged and planned in a second process while this one
writes the payments (`payments_changed`'s `ahead`, `core.readahead`): the same rows as one
process stores, and a planner that fails or dies is an error, with nothing written."""

from __future__ import annotations

import os
import signal
from decimal import Decimal

import pytest
from django.db import transaction

from jixiao.budgets.models import Payment
from jixiao.core import audit, readahead
from jixiao.core.imports import run_import
from jixiao.core.models import AuditObject
from jixiao.core.tabular import InputRejected
from jixiao.monitoring import payments
from jixiao.monitoring.importers import PaymentImporter
from jixiao.monitoring.models import Alert, Report

from .test_payments_import import ALERT_COLUMNS, _projects, csv

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="planning ahead needs fork")


@pytest.fixture
def forks(monkeypatch):
    """The processes forked to plan alerts (`core.readahead` running ahead), by pid: not
    those that read a part of the file (`PaymentImporter._read_halves`)."""
    made = []

    class Counted(readahead.ReadAhead):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if kwargs.get("ahead"):
                made.append(self.pid)

    monkeypatch.setattr(readahead, "ReadAhead", Counted)
    return made


def _ahead(settings, on: bool) -> None:
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0
    settings.JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS = 0 if on else None


def _rows(codes: list[str], shift: int = 0) -> list[tuple]:
    # slow, on time, rushing in December, and paid nothing until December
    plans = [[1] * 12, [9] * 12, [2] * 11 + [60], [0] * 11 + [30]]
    return [
        ("100101", code, 2022, month, str(plans[(n + shift) % 4][month - 1] + n))
        for n, code in enumerate(codes)
        for month in range(1, 13)
    ]


def _stored(codes: list[str]) -> dict:
    """What an import stored, without ids or times: payments, reports' execution, alerts with
    their message data, and the audit changes (an alert's by its key, its snapshot without
    its id and time)."""
    keys = {
        str(pk): key
        for pk, *key in Alert.objects.values_list("pk", "project__code", "round__code", "code")
    }
    changes = []
    for row in AuditObject.objects.order_by("entry_id", "position").values_list(
        "object_type", "object_id", "action", "object_repr", "region_code", "before", "after"
    ):
        kind, pk, *rest = row
        if kind == "monitoring.alert":
            pk = keys[pk]
            rest[3:] = [_without_id(document) for document in rest[3:]]
        changes.append((kind, pk, *rest))
    return {
        "payments": sorted(
            Payment.objects.filter(project__code__in=codes).values_list(
                "project__code", "month", "amount"
            )
        ),
        "reports": sorted(
            Report.objects.values_list("project__code", "executed", "execution_from_payments")
        ),
        "alerts": sorted(
            Alert.objects.values_list(*ALERT_COLUMNS),
            key=lambda a: (a[0], a[1] or "", a[3], a[5] or -1),
        ),
        "audit": changes,
    }


def _without_id(document):
    """An alert's before or after without what differs between two imports (its id, its time)."""
    if not isinstance(document, dict):
        return document
    return {k: v for k, v in document.items() if k not in ("id", "raised_at")}


class _Undone(Exception):
    pass


def _import_undone(world, rows, settings, *, ahead: bool, codes) -> dict:
    """Import `rows` one way, take what was stored, and roll it back."""
    _ahead(settings, ahead)
    try:
        with transaction.atomic():
            run_import(PaymentImporter(actor=world.budget, region=world.region), csv(rows), "a.csv")
            stored = _stored(codes)
            raise _Undone
    except _Undone:
        return stored


@pytest.mark.parametrize("reimport", [False, True], ids=["first import", "changed amounts"])
def test_alerts_planned_ahead_store_what_one_process_stores(
    world, settings, monkeypatch, forks, reimport
):
    monkeypatch.setattr(payments, "CHUNK", 3)  # several chunks, planned while others are written
    codes = _projects(world, 11)
    if reimport:  # every month and alert stored, then a file that changes most amounts
        _ahead(settings, False)
        run_import(
            PaymentImporter(actor=world.budget, region=world.region), csv(_rows(codes)), "x.csv"
        )
    rows = _rows(codes, shift=1 if reimport else 0)
    one = _import_undone(world, rows, settings, ahead=False, codes=codes)
    assert forks == []
    ahead = _import_undone(world, rows, settings, ahead=True, codes=codes)
    assert len(forks) == 1 and forks[0] != os.getpid()  # planned in a forked process
    assert {a[3] for a in one["alerts"]} >= {"M01", "M05", "M07"}
    assert len(one["audit"]) > len(codes)
    assert ahead == one


def test_alerts_audit_rows_written_while_plans_are_awaited_are_those_of_one_process(
    world, settings, monkeypatch, forks
):
    """Waiting for the next plan, the importing process writes the audit rows it holds
    (`BatchWriter.flush`) rather than all of them after the last plan: the same rows."""
    monkeypatch.setattr(payments, "CHUNK", 3)
    monkeypatch.setattr(payments, "IDLE_FLUSH_ROWS", 1)
    monkeypatch.setattr(readahead.ReadAhead, "ready", lambda self: False)  # always waiting
    flushed = []
    flush = audit.BatchWriter.flush

    def counted(self, least=1):
        flushed.append(len(self.rows) if len(self.rows) >= least else 0)
        flush(self, least)

    monkeypatch.setattr(audit.BatchWriter, "flush", counted)
    codes = _projects(world, 11)
    one = _import_undone(world, _rows(codes), settings, ahead=False, codes=codes)
    assert not any(flushed)
    ahead = _import_undone(world, _rows(codes), settings, ahead=True, codes=codes)
    assert len(forks) == 1
    assert sum(map(bool, flushed)) >= 3  # chunk by chunk, while the next was awaited
    assert ahead == one


def test_a_threaded_web_worker_plans_in_its_own_process(world, settings, forks):
    codes = _projects(world, 4)
    _ahead(settings, True)
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = None  # `serve --threads 4`: no fork
    run_import(PaymentImporter(actor=world.budget, region=world.region), csv(_rows(codes)), "a.csv")
    assert forks == []
    assert Alert.objects.filter(project__code__in=codes).exists()


def _failing_in_the_child(how: str):
    parent, plan = os.getpid(), payments._ChunkInputs.plan

    def failing(self, rules, today):
        if os.getpid() != parent:
            if how == "dies":
                os.kill(os.getpid(), signal.SIGKILL)
            raise ValueError("判断预警时出错")
        return plan(self, rules, today)

    return failing


def test_a_planner_that_fails_fails_the_import_and_nothing_is_written(
    world, settings, monkeypatch, forks
):
    codes = _projects(world, 4)
    _ahead(settings, True)
    monkeypatch.setattr(payments._ChunkInputs, "plan", _failing_in_the_child("raises"))
    with pytest.raises(ValueError, match="判断预警时出错") as failed:
        run_import(
            PaymentImporter(actor=world.budget, region=world.region), csv(_rows(codes)), "a.csv"
        )
    assert len(forks) == 1
    assert "In the reading process" in "".join(getattr(failed.value, "__notes__", []))
    assert not Payment.objects.filter(project__code__in=codes).exists()
    assert not Alert.objects.filter(project__code__in=codes).exists()


def test_a_planner_that_dies_is_an_error_in_chinese_and_nothing_is_written(
    world, settings, monkeypatch, forks
):
    codes = _projects(world, 4)
    _ahead(settings, True)
    monkeypatch.setattr(payments._ChunkInputs, "plan", _failing_in_the_child("dies"))
    with pytest.raises(InputRejected) as refused:
        run_import(
            PaymentImporter(actor=world.budget, region=world.region), csv(_rows(codes)), "a.csv"
        )
    assert len(forks) == 1
    assert "意外终止" in str(refused.value)
    assert not Payment.objects.filter(project__code__in=codes).exists()
    assert not Report.objects.filter(project__code__in=codes, executed=Decimal(1)).exists()
