"""A large payment CSV is read and parsed in two parts at once, the second by a forked process
(`PaymentImporter._read_halves`): the same lines, columns and problems as one process reads,
or, where the parts could differ, the file read whole as before; a reader that dies is an
error in Chinese, with nothing written."""

from __future__ import annotations

import os
import signal

import pytest

from jixiao.budgets.models import Payment
from jixiao.core import readahead
from jixiao.core.imports import run_import
from jixiao.core.tabular import InputRejected
from jixiao.monitoring import importers
from jixiao.monitoring.importers import PaymentImporter

from .test_payments_import import HEADER, _projects

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="reading ahead needs fork")


def _text(rows, header=HEADER, *, end="\n", delimiter=",", above=()) -> bytes:
    lines = [*above, delimiter.join(header)] + [delimiter.join(map(str, row)) for row in rows]
    return (end.join(lines) + end).encode("utf-8")


def _rows(codes, *, amount=lambda n, month: f"{n + month}.5") -> list[tuple]:
    return [
        ("100101", code, 2022, month, amount(n, month))
        for n, code in enumerate(codes)
        for month in range(1, 13)
    ]


@pytest.fixture
def halves(monkeypatch):
    """Whether each read took the two parts (`_read_halves` gave lines), in order."""
    taken = []
    read = PaymentImporter._read_halves

    def counted(self, data, filename):
        found = read(self, data, filename)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(PaymentImporter, "_read_halves", counted)
    return taken


def _read(world, settings, data: bytes, *, split: bool, name="a.csv"):
    """What the importer reads of `data`: lines, problems, yuan, and the columns it keeps."""
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0 if split else None
    importer = PaymentImporter(actor=world.budget, region=world.region)
    try:
        lines, problems = importer.read(data, name)
    except InputRejected as refused:
        return ("refused", [str(p) for p in refused.problems])
    kept = importer._parsed and [list(column) for column in importer._parsed[1]]
    return list(lines), [str(p) for p in problems], importer.yuan, kept


CODES = [f"Q{n:04d}" for n in range(40)]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_text(_rows(CODES)), id="plain"),
        pytest.param(_text(_rows(CODES), end="\r\n"), id="CRLF"),
        pytest.param(_text(_rows(CODES), delimiter="\t"), id="tabs"),
        pytest.param(
            _text(_rows(CODES), header=(*HEADER[:4], "支付金额（元）")), id="yuan in the header"
        ),
        pytest.param(
            _text([row[1:] for row in _rows(CODES)], header=HEADER[1:]), id="no region column"
        ),
        pytest.param(_text(_rows(CODES), above=("2022年支付明细,,,,",)), id="a title row"),
        pytest.param(
            _text(_rows(CODES, amount=lambda n, month: str(n * month))), id="whole amounts"
        ),
    ],
)
def test_a_file_read_in_two_parts_gives_the_lines_of_one_read(world, settings, halves, data):
    whole = _read(world, settings, data, split=False)
    parts = _read(world, settings, data, split=True)
    assert halves == [False, True]  # the second read took two parts
    assert parts == whole
    lines = parts[0]
    assert len(lines) == 480 and lines[-1][0] == whole[0][-1][0]  # numbered as in the file


def _amount_objects(world, settings, data: bytes, *, split: bool) -> int:
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0 if split else None
    lines, _problems = PaymentImporter(actor=world.budget, region=world.region).read(data, "a.csv")
    return len({id(line[-1]) for line in lines})


def test_the_lines_of_a_file_read_in_parts_are_made_when_asked_for(world, settings):
    """`check` reads a good file's columns; the lines are made one by one only for its loop
    (a file with a problem), as one read made them."""
    data = _text(_rows(CODES))
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = None
    whole, _problems = PaymentImporter(actor=world.budget, region=world.region).read(data, "a.csv")
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0
    parts, _problems = PaymentImporter(actor=world.budget, region=world.region).read(data, "a.csv")
    assert not isinstance(parts, list) and len(parts) == len(whole) == 480
    assert parts[0] == whole[0] and parts[-1] == whole[-1] and parts[5:9] == whole[5:9]
    assert list(parts) == whole


def test_an_amount_in_both_parts_is_one_object_as_in_one_read(world, settings, halves):
    """The payments' writing rounds and shows each amount object once (by identity)."""
    data = _text(_rows(CODES, amount=lambda n, month: f"{month}.25"))
    assert _amount_objects(world, settings, data, split=True) == 12
    assert _amount_objects(world, settings, data, split=False) == 12
    assert halves == [True, False]


def _bad(rows: list[tuple], at: int, **values) -> list[tuple]:
    """`rows` with the row at `at` (negative: from the end) changed."""
    rows = list(rows)
    fields = ["region", "code", "year", "month", "amount"]
    row = list(rows[at])
    for name, value in values.items():
        row[fields.index(name)] = value
    rows[at] = tuple(row)
    return rows


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_text(_bad(_rows(CODES), -3, month="13")), id="a bad month late"),
        pytest.param(_text(_bad(_rows(CODES), 5, month="13")), id="a bad month early"),
        pytest.param(_text(_bad(_rows(CODES), -3, amount="")), id="a blank amount late"),
        pytest.param(_text(_bad(_rows(CODES), -3, amount="-5")), id="a negative amount late"),
        pytest.param(_text(_bad(_rows(CODES), -3, amount="1,5")), id="a wider row late"),
        pytest.param(_text(_rows(CODES)) + b"\n,,,,\n", id="blank rows at the end"),
        pytest.param(_text(_bad(_rows(CODES), -3, code="")), id="a blank code late"),
        pytest.param(_text(_bad(_rows(CODES), 5, code='"Q0000\nX"')), id="a quoted line break"),
        pytest.param(_text(_bad(_rows(CODES), -3, code='"Q00')), id="an unclosed quote late"),
    ],
)
def test_a_file_the_parts_would_not_read_the_same_is_read_whole(world, settings, halves, data):
    """The same lines and problems (and refusals) as one process reads: where a part does not
    read whole, the file is read again in one piece, which says where."""
    assert _read(world, settings, data, split=True) == _read(world, settings, data, split=False)
    assert halves == [False, False]


def _refused(world, settings, data: bytes, *, split: bool) -> list[str]:
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0 if split else None
    settings.JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS = None
    with pytest.raises(InputRejected) as refused:
        run_import(PaymentImporter(actor=world.budget, region=world.region), data, "a.csv")
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"code": "Q9999"}, id="an unknown project late"),
        pytest.param({"month": 1}, id="a month twice late"),
        pytest.param({"region": "999999"}, id="an unknown region late"),
    ],
)
def test_a_file_read_in_parts_that_the_check_refuses_says_where_as_one_read(
    world, settings, halves, change
):
    """The lines a check looks at one by one (`_Lines`, made when asked for) say the same."""
    codes = _projects(world, 12)
    data = _text(_bad(_rows(codes), -3, **change))
    whole = _refused(world, settings, data, split=False)
    assert _refused(world, settings, data, split=True) == whole
    assert halves == [False, True] and "第 143 行" in "".join(whole)  # the row in the file


def test_a_file_under_the_read_ahead_size_is_read_in_one_process(
    world, settings, halves, monkeypatch
):
    forked = []
    monkeypatch.setattr(readahead, "ReadAhead", lambda *a, **k: forked.append(1))
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 10**6
    data = _text(_rows(CODES))
    PaymentImporter(actor=world.budget, region=world.region).read(data, "a.csv")
    assert halves == [False] and forked == []


def _dying(text, delimiter):
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_reading_process_that_dies_is_an_error_in_chinese_and_nothing_is_written(
    world, settings, monkeypatch
):
    codes = _projects(world, 4)
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0
    monkeypatch.setattr(importers, "_encoded_half", _dying)
    with pytest.raises(InputRejected) as refused:
        run_import(
            PaymentImporter(actor=world.budget, region=world.region),
            _text(_rows(codes)),
            "a.csv",
        )
    assert "意外终止" in str(refused.value)
    assert not Payment.objects.filter(project__code__in=codes).exists()


def test_a_file_read_in_two_parts_imports_what_one_read_imports(world, settings, halves):
    codes = _projects(world, 12)
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 0
    settings.JIXIAO_PAYMENT_ALERTS_AHEAD_PROJECTS = None
    result = run_import(
        PaymentImporter(actor=world.budget, region=world.region), _text(_rows(codes)), "a.csv"
    )
    assert halves == [True]
    assert (result.rows, result.created) == (144, 144)
    stored = dict(Payment.objects.filter(project__code="Q0011").values_list("month", "amount"))
    assert stored[12] == pytest.approx(23.5) and len(stored) == 12


@pytest.mark.parametrize(
    ("text", "share", "cut"),
    [
        ("a,1\nb,2\nc,3\n", 0.3, 4),  # after the first line break past 30 %
        ('a,1\n"b\nb",2\nc,3\n', 0.3, None),  # that line break is inside quotes
        ('a,"1"\n"b\nb",2\nc,3\n', 0.75, 14),  # the quotes before it are closed
        ("a,1\nb,2\n", 0.9, None),  # nothing after it
        ("a,1,b,2", 0.5, None),  # no line break
    ],
)
def test_a_file_is_cut_at_a_line_break_outside_quotes(text, share, cut):
    assert importers._cut(text, share) == cut
