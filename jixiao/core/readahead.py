"""Reading ahead in a second process: a generator run in a forked child, its items handed to
this process a batch at a time, while this one works on the batch before.

A large import is two kinds of work: reading the file (the archive's checks, calamine, the
forms: pure Python and Rust, no database) and checking and writing what was read (the
database, the rules). python-calamine holds the GIL while it parses, so a thread cannot read
beside the checks; a second process can, on the second core. `read_ahead(produce, sizes)`
forks a child that calls `produce()` (which may refuse the input at once, as opening a file
does) and sends its items back pickled, a batch of the next of `sizes` to a message, through a
pipe: the child builds the next batch while this process works on the one it has, and waits on
the pipe until this process takes it (back-pressure: one batch in hand, one on the way,
whatever the file's size). This process should work on batches of the same sizes: the child
is then one batch ahead. The sizes grow (`growing`): this process starts once a small first
batch is read, and each batch takes the child no longer than this process takes for the one
before, so that neither waits for the other.

Fork safety. The child is a copy of this process at the fork, threads excepted, and does only
what `produce` does: it must need no database (load whatever it reads beforehand), and it never
touches the connections it inherited, not even to close them (closing a PostgreSQL connection
ends the parent's session on the server): its copies refuse every query and every new
connection (`DatabaseFenced`, raised here like any error of the child), and it leaves with
`os._exit`, which runs no `atexit`,
finaliser or buffered output of the parent's. Its signal handlers are the defaults (a gunicorn
worker's or the task worker's own would act on the child as on the worker), so a signal for
the process group ends it. A web worker (gunicorn's sync workers, one thread) and the task
worker (`db_worker`, one thread running jobs) fork from the thread that runs the import; no
other thread of theirs holds a lock the child needs (it logs nothing and imports nothing new
in the meantime that was not imported before: `produce`'s modules are imported by its caller).

Running further ahead (`ahead`): where this process takes no item for a while (it first
does other work, as the payment import writes its payments while the child plans their
alerts), the child need not wait on the pipe after one batch: with `ahead=n` a thread of the
child sends the batches while its main thread goes on making up to `n` more, held pickled in
the child's memory (the child's peak grows by those batches).

Errors. What the child raises reaches this process as the same exception at the same item:
an `InputRejected` with its problems (sheet, row, column, message) as they were, anything
else with the child's traceback as a note. A child that dies (killed, out of memory) or sends
nothing for `TIMEOUT` seconds is an `InputRejected` with a message in Chinese, never a hang:
this process polls the pipe a second at a time and asks whether the child still lives.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import queue
import resource
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice, repeat
from multiprocessing.connection import Pipe
from operator import length_hint

from django.conf import settings
from django.utils.translation import gettext as _

from .tabular import InputRejected, Problem

logger = logging.getLogger(__name__)

#: Seconds without a message from the child before it is stopped (a batch takes well under one).
TIMEOUT = 300.0
#: How much larger each batch is than the one before (`growing`): this process takes about 1.3
#: times as long for a form (a declaration's checks and writes) as the child (its reading).
GROWTH = 1.25
#: How often the wait for a message asks whether the child still lives.
POLL = 1.0
_OPEN, _ITEMS, _END, _ERROR = range(4)
#: Signals whose handlers (gunicorn's, the task worker's) the child puts back to the default.
_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGABRT")
    if hasattr(signal, name)
)


def wanted(size: int) -> bool:
    """Whether input of `size` bytes is worth a second process: `JIXIAO_IMPORT_READ_AHEAD_BYTES`
    is the smallest (None: never; its default, on a machine of two cores or more)."""
    least = getattr(settings, "JIXIAO_IMPORT_READ_AHEAD_BYTES", None)
    return allowed() and size >= least


def allowed() -> bool:
    """Whether this process may fork a second one at all: not where reading ahead is off
    (`JIXIAO_IMPORT_READ_AHEAD_BYTES` None: one core, a threaded web worker) or no fork."""
    return getattr(settings, "JIXIAO_IMPORT_READ_AHEAD_BYTES", None) is not None and hasattr(
        os, "fork"
    )


class ReadAhead:
    """`produce()`'s items as this process takes them, read ahead by a forked child (see the
    module). `open()` waits until `produce()` has returned (its refusal raised here); iterating
    gives the items in order; `close()` stops the child if it still runs. `usage` is the
    child's resource usage once it has ended (`resource.struct_rusage`: CPU, peak memory)."""

    def __init__(
        self,
        produce: Callable[[], Iterable],
        *,
        sizes: Iterable[int],
        beside: Callable[[], object] | None = None,
        timeout: float = TIMEOUT,
        ahead: int = 0,
    ):
        self.timeout = timeout
        self.usage: resource.struct_rusage | None = None
        self.status: int | None = None  # the child's exit status (`os.wait4`)
        self._items: Iterator = iter(())
        self._opened = self._done = False
        self._owner = os.getpid()  # a copy of this object in another child never stops this one
        self._failure: Exception | None = None  # `beside`'s
        receive, send = Pipe(duplex=False)
        told, tell = Pipe(duplex=False) if beside is not None else (None, None)
        pid = os.fork()
        if pid == 0:  # the child: never returns
            receive.close()
            if beside is not None:
                tell.close()
                produce = partial(produce, partial(_verdict, told))
            _child(produce, send, iter(sizes), ahead)
        send.close()  # only the child writes: its end closes with it (end of file here)
        self.pid, self._receive = pid, receive
        if beside is not None:
            told.close()
            self._beside(beside, tell)

    def _beside(self, beside: Callable[[], object], tell) -> None:
        """Run `beside` here while the child starts, and tell the child what it gave."""
        try:
            verdict = (True, beside())
        except Exception as exc:  # raised by `open` unless the child's own refusal comes first
            self._failure, verdict = exc, (False, None)
        except BaseException:
            self.close()
            raise
        try:
            tell.send_bytes(pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # the child has ended already (its own error): `open` raises it
            pass
        tell.close()

    def open(self) -> ReadAhead:
        """Wait until the child has opened its input; its refusal is raised here."""
        if not self._opened:
            kind, payload = self._message()
            if kind != _OPEN:
                raise AssertionError("the reading process began with a message other than open")
            self._opened = True
        return self

    def __iter__(self) -> ReadAhead:
        return self

    def __next__(self):
        for item in self._items:
            return item
        self.open()
        while not self._done:
            kind, payload = self._message()
            if kind == _END:
                self._done = True
                self._end()
                break
            self._items = iter(payload)
            for item in self._items:
                return item
        raise StopIteration

    def ready(self) -> bool:
        """Whether the next item (or the end, or the child's error) can be taken without
        waiting for the child to make it: in hand, or sent already."""
        return length_hint(self._items) > 0 or self._done or self._receive.poll(0)

    def close(self) -> None:
        """Stop the child if it still runs (the items not taken are let go) and reap it."""
        self._done, self._items = True, iter(())
        if self.pid is not None and os.getpid() == self._owner:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._end()
        self._receive.close()

    def __del__(self):
        if getattr(self, "pid", None) is not None:
            self.close()

    def _message(self):
        """The child's next message, unpickled; its error raised as it was raised there."""
        waited = 0.0
        while not self._receive.poll(POLL):
            waited += POLL
            if self._ended():
                if self._receive.poll(0):  # what it sent before it ended is still there
                    break
                self._died()
            if waited >= self.timeout:
                logger.warning("the reading process %s sent nothing for %s s", self.pid, waited)
                self.close()
                raise InputRejected(
                    [
                        Problem(
                            _("读取文件超过 %(s)s 秒仍无进展，已停止，未写入任何数据。")
                            % {"s": int(waited)}
                        )
                    ]
                )
        try:
            kind, payload = pickle.loads(self._receive.recv_bytes())
        except EOFError:
            self._died()
        if kind == _ERROR:
            self._done = True
            self._end()
            error, text = payload
            if isinstance(error, _Refused) and self._failure is not None:
                raise self._failure  # what `beside` raised, after the child's own part passed
            if not isinstance(error, InputRejected):
                error.add_note(f"In the reading process (read ahead):\n{text}")
            raise error
        return kind, payload

    def _end(self) -> None:
        """Reap the child (it ends right after its last message, or was killed)."""
        if self.pid is not None:
            _pid, self.status, self.usage = os.wait4(self.pid, 0)
            self.pid = None

    def _ended(self) -> bool:
        """Whether the child has ended (then reaped)."""
        if self.pid is not None:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid == 0:
                return False
            self.pid, self.status, self.usage = None, status, usage
        return True

    def _died(self):
        self._done = True
        self._end()
        logger.warning("the reading process ended before its input did (status %s)", self.status)
        raise InputRejected(
            [
                Problem(
                    _(
                        "读取文件的后台进程意外终止（可能是内存不足），未写入任何数据。"
                        "请重新导入；仍然失败时请联系管理员。"
                    )
                )
            ]
        )


def read_ahead(
    produce: Callable[..., Iterable],
    sizes: Iterable[int],
    beside: Callable[[], object] | None = None,
    *,
    ahead: int = 0,
) -> ReadAhead:
    """`produce()`'s items read ahead in a forked child, a message a batch of the next of
    `sizes` (an endless iterable), once `produce()` has returned in the child: an input it
    refuses is refused here (`ReadAhead`).

    `beside`: a part of the child's first work that this process does meanwhile (it would
    only wait): the child calls `produce(verdict)`, and `verdict()` waits for what `beside()`
    returned here; if `beside` raised, `verdict()` stops the child and `beside`'s exception is
    raised here, unless the child raised its own before it asked (its part comes first).

    Where no process can be forked (a process limit, no memory to spare), `produce` runs
    here instead, `beside` when the verdict is asked for: the same items and errors, later.

    `ahead`: how many batches the child may make beyond the one on its way (see the module)."""
    try:
        reader = ReadAhead(produce, sizes=sizes, beside=beside, ahead=ahead)
    except OSError as exc:  # from the pipe or the fork, before any child runs
        logger.warning("no reading process (%s): the input is read in this one", exc)
        return iter(produce() if beside is None else produce(beside))
    return reader.open()


class _Refused(Exception):
    """In the child: `beside` raised in the parent, which raises it (`_verdict`)."""


def _verdict(told):
    """What the parent's `beside()` returned; `_Refused` if it raised (or the parent is gone)."""
    try:
        ok, result = pickle.loads(told.recv_bytes())
    except EOFError:
        raise _Refused from None
    if not ok:
        raise _Refused
    return result


def growing(first: int, most: int, growth: float = GROWTH) -> Iterator[int]:
    """Batch sizes from `first`, each `growth` times the one before, up to `most`, then `most`
    for ever."""
    size = first
    while size < most:
        yield size
        size = max(size + 1, int(size * growth))
    yield from repeat(most)


def _child(produce: Callable[[], Iterable], send, sizes: Iterator[int], ahead: int = 0) -> None:
    code = 0
    try:
        for number in _SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        _fence_databases()
        gc.disable()  # what it makes lives until sent; the parent's objects are not walked
        if ahead > 0:
            send = _Sender(send, ahead)
        items = iter(produce())
        _send(send, (_OPEN, None))
        while part := list(islice(items, next(sizes))):
            _send(send, (_ITEMS, part))
        _send(send, (_END, None))
        if isinstance(send, _Sender):
            send.finish()
    except BaseException as exc:  # everything, even SystemExit: the child must not go on
        try:
            _send(send, (_ERROR, _portable(exc)))
            if isinstance(send, _Sender):
                send.finish()
        except BaseException:  # the parent has gone (a broken pipe): nothing to tell
            code = 1
    finally:
        os._exit(code)


class _Sender:
    """In the child (`ahead`): messages handed to a thread that writes them to the pipe, up
    to `ahead` of them waiting, so that making the next ones does not wait on the parent.
    The thread is started here, after the fork: the child has no other."""

    def __init__(self, send, ahead: int):
        self._send, self._queue = send, queue.Queue(maxsize=ahead)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (message := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self._send.send_bytes(message)
                except BaseException as exc:  # the parent has gone: the rest is let go
                    self._failure = exc

    def send_bytes(self, message: bytes) -> None:
        if self._failure is not None:
            raise self._failure
        self._queue.put(message)

    def finish(self) -> None:
        """Wait until every message is written (or the parent has gone)."""
        self._queue.put(None)
        self._thread.join()
        if self._failure is not None:
            raise self._failure


class DatabaseFenced(RuntimeError):
    """The reading process asked for the database, which only its parent may use."""


def _fence_databases() -> None:
    """Make the child's copies of the connections refuse every query and every new
    connection, so that a reader that would need the database fails loudly instead of talking
    over the parent's session (they are not closed: that would end it on the server)."""
    from django.db import connections

    def refuse(*args, **kwargs):
        raise DatabaseFenced("the reading process (core.readahead) may not use the database")

    for connection in connections.all():
        connection.execute_wrappers.append(refuse)
        connection.connect = refuse


def _send(send, message) -> None:
    send.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _portable(exc: BaseException) -> tuple[BaseException, str]:
    """The exception as the parent can unpickle it (else a RuntimeError naming it), and the
    child's traceback."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc, text
