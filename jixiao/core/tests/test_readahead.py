"""`core.readahead`: a generator run in a forked child, its items handed back a batch at a
time, its errors raised here as they were raised there, and a child that dies or stalls an
error in Chinese rather than a hang."""

from __future__ import annotations

import os
import pickle
import signal
import time
from itertools import islice, repeat

import pytest

from jixiao.core import readahead
from jixiao.core.readahead import DatabaseFenced, ReadAhead, growing, read_ahead
from jixiao.core.tabular import InputRejected, Problem

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="reading ahead needs fork")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_items_come_in_order_in_batches_of_any_size():
    reader = read_ahead(lambda: ({"n": n, "half": n / 2} for n in range(23)), growing(2, 5))
    assert list(reader) == [{"n": n, "half": n / 2} for n in range(23)]
    assert reader.pid is None and reader.status == 0  # ended and reaped
    assert reader.usage.ru_maxrss > 0  # the child's peak, for the bench


def test_an_empty_input_gives_no_items():
    assert list(read_ahead(lambda: iter(()), repeat(3))) == []


def test_the_child_runs_in_another_process():
    pids = list(read_ahead(lambda: (os.getpid() for _ in range(3)), repeat(2)))
    assert len(set(pids)) == 1 and pids[0] != os.getpid()


def _refused_at_open():
    raise InputRejected([Problem("文件已损坏", sheet="表1", row=3, column="B", field="单位编码")])


def test_an_input_refused_at_open_is_refused_by_read_ahead_with_its_places():
    with pytest.raises(InputRejected) as refused:
        read_ahead(_refused_at_open, repeat(2))
    assert refused.value.problems == [
        Problem("文件已损坏", sheet="表1", row=3, column="B", field="单位编码")
    ]
    assert refused.value.total == 1
    assert str(refused.value) == str(InputRejected(refused.value.problems))


def _refused_at_the_fifth():
    yield from range(4)
    raise InputRejected([Problem("工作表“第5张”超过 10 行上限。")])


def test_an_input_refused_midway_is_refused_after_the_items_before_it():
    reader = read_ahead(_refused_at_the_fifth, repeat(3))
    seen = []
    with pytest.raises(InputRejected) as refused:
        for item in reader:
            seen.append(item)
    assert seen == [0, 1, 2]  # the batch the error cut short is not sent, as a chunk is lost
    assert [p.message for p in refused.value.problems] == ["工作表“第5张”超过 10 行上限。"]


def test_a_refusal_past_the_problems_kept_keeps_its_count(settings):
    settings.JIXIAO_IMPORT_MAX_PROBLEMS = 3
    many = InputRejected([Problem(f"第{n}个问题", row=n) for n in range(1, 8)])
    again = pickle.loads(pickle.dumps(many))
    assert again.total == 7
    assert again.problems == many.problems  # three kept and one that counts the other four
    assert str(again) == str(many)


def _broken():
    yield 1
    raise KeyError("缺少的键")


def test_another_error_keeps_its_kind_message_and_the_child_traceback():
    reader = read_ahead(_broken, repeat(1))
    assert next(reader) == 1
    with pytest.raises(KeyError, match="缺少的键") as raised:
        next(reader)
    assert any("_broken" in note for note in raised.value.__notes__)


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("cannot pickle")


def _unpicklable():
    raise _Unpicklable("坏")


def test_an_error_that_cannot_be_pickled_comes_as_a_runtime_error_naming_it():
    with pytest.raises(RuntimeError, match="_Unpicklable: 坏"):
        read_ahead(_unpicklable, repeat(1))


def _dies():
    yield 1
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    yield 2


def test_a_child_that_dies_is_an_error_in_chinese_not_a_hang():
    reader = read_ahead(_dies, repeat(1))
    assert next(reader) == 1
    started = time.monotonic()
    with pytest.raises(InputRejected) as refused:
        next(reader)
    assert time.monotonic() - started < 10
    assert "读取文件的后台进程意外终止" in refused.value.problems[0].message
    assert reader.pid is None and os.WIFSIGNALED(reader.status)


def _stalls():
    yield 1
    time.sleep(60)
    yield 2


def test_a_child_that_sends_nothing_for_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(readahead, "POLL", 0.05)
    reader = ReadAhead(_stalls, sizes=repeat(1), timeout=0.3).open()
    assert next(reader) == 1
    pid = reader.pid
    with pytest.raises(InputRejected) as refused:
        next(reader)
    assert "仍无进展" in refused.value.problems[0].message
    assert reader.pid is None and _gone(pid)  # killed and reaped


def _endless():
    n = 0
    while True:
        yield "项" * 1000, n
        n += 1


def test_a_reader_closed_before_its_end_stops_its_child():
    reader = read_ahead(_endless, repeat(10))
    assert next(reader) == ("项" * 1000, 0)  # the child now waits on a full pipe
    pid = reader.pid
    reader.close()
    assert reader.pid is None and _gone(pid)
    with pytest.raises(StopIteration):
        next(reader)


def test_a_reader_let_go_unread_stops_its_child():
    reader = read_ahead(_endless, repeat(10))
    pid = reader.pid
    del reader  # an import refused before it read anything (its importer let go)
    assert _gone(pid)


def test_the_child_leaves_without_the_parents_exit_handlers(tmp_path):
    """`os._exit`: nothing of this process's (its atexit, buffered output, the test
    database's teardown) runs in the child."""
    marker = tmp_path / "ran"

    def produce():
        import atexit

        atexit.register(marker.write_text, "ran")
        return iter(range(2))

    assert list(read_ahead(produce, repeat(1))) == [0, 1]
    assert not marker.exists()


def test_batches_grow_to_their_largest_and_stay_there():
    assert list(islice(growing(100, 500), 10)) == [100, 125, 156, 195, 243, 303, 378, 472, 500, 500]
    assert list(islice(growing(1, 3, growth=1.1), 4)) == [1, 2, 3, 3]


def _asks_the_database():
    from django.contrib.auth import get_user_model

    yield get_user_model().objects.count()


@pytest.mark.django_db
def test_the_child_may_not_use_the_database_and_leaves_this_process_s_connection_alone():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()  # this process's connection, open
    with pytest.raises(DatabaseFenced):
        list(read_ahead(_asks_the_database, repeat(1)))
    assert get_user_model().objects.count() == users  # still open, the same session


def test_small_input_stays_in_one_process(settings):
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 1000
    assert not readahead.wanted(999)
    assert readahead.wanted(1000)
    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = None
    assert not readahead.wanted(10**9)


def _with_verdict(verdict):
    return iter([("told", verdict())])


def test_the_work_done_beside_reaches_the_child():
    reader = read_ahead(_with_verdict, repeat(1), beside=lambda: {"dense": True})
    assert list(reader) == [("told", {"dense": True})]


def _refused_beside():
    raise InputRejected([Problem("第二半有问题", sheet="表9")])


def test_a_refusal_beside_is_raised_once_the_child_s_own_part_passed():
    with pytest.raises(InputRejected) as refused:
        read_ahead(_with_verdict, repeat(1), beside=_refused_beside)
    assert refused.value.problems == [Problem("第二半有问题", sheet="表9")]


def _refused_first(verdict):
    raise InputRejected([Problem("第一半有问题", sheet="表1")])


def test_the_child_s_own_refusal_comes_before_the_one_beside():
    with pytest.raises(InputRejected) as refused:
        read_ahead(_refused_first, repeat(1), beside=_refused_beside)
    assert refused.value.problems == [Problem("第一半有问题", sheet="表1")]


def test_without_a_process_to_spare_the_input_is_read_here(monkeypatch):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    assert list(read_ahead(lambda: iter(range(4)), repeat(3))) == [0, 1, 2, 3]
    told = read_ahead(_with_verdict, repeat(1), beside=lambda: "checked here")
    assert not isinstance(told, ReadAhead)
    assert list(told) == [("told", "checked here")]
    with pytest.raises(InputRejected) as refused_beside:
        read_ahead(_with_verdict, repeat(1), beside=_refused_beside)
    assert refused_beside.value.problems == [Problem("第二半有问题", sheet="表9")]


def _batches_then_mark(marker, count: int):
    for n in range(count):
        yield "项" * 100_000 + str(n)  # each batch more than a pipe holds
    marker.write_text("made")


@pytest.mark.parametrize("ahead", [0, 8])
def test_ahead_the_child_makes_every_batch_while_this_process_takes_none(tmp_path, ahead):
    marker = tmp_path / "made"
    reader = read_ahead(lambda: _batches_then_mark(marker, 6), repeat(1), ahead=ahead)
    waited = 0.0
    while not marker.exists() and waited < 3:
        time.sleep(0.05)
        waited += 0.05
    # without `ahead` the child waits on the pipe after a batch or two
    assert marker.exists() == bool(ahead)
    assert list(reader) == ["项" * 100_000 + str(n) for n in range(6)]
    assert reader.status == 0


def test_ahead_an_error_after_the_batches_made_comes_after_them():
    reader = read_ahead(_refused_at_the_fifth, repeat(1), ahead=8)
    seen = []
    with pytest.raises(InputRejected):
        for item in reader:
            seen.append(item)
    assert seen == [0, 1, 2, 3]


def test_ahead_a_reader_closed_before_its_end_stops_its_child():
    reader = read_ahead(_endless, repeat(10), ahead=4)
    next(reader)
    pid = reader.pid
    reader.close()
    assert reader.pid is None and _gone(pid)
