"""`jixiao serve [--port 8000]`: the production server (gunicorn) on 127.0.0.1 (CONTRACT.md).

Put it behind a reverse proxy (nginx) for TLS and a public address; see docs/deploy.md.
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command

from jixiao.core.commands import JixiaoCommand

#: gunicorn's defaults (WEB_CONCURRENCY and JIXIAO_THREADS override them): 2 × cores + 1 sync
#: worker processes, 5 on the 2-core server. The deadline-peak load test (bench/load.py,
#: docs/performance.md) held the same throughput and times with gthread workers (3 × 4, 2 × 8
#: threads) as with these, but a threaded worker recycled after its requests dropped a kept-alive
#: connection, and a sync worker keeps a slow request (a sign-in's password check, an upload) to
#: one process while the others serve pages.
WORKERS = 2 * (os.cpu_count() or 1) + 1
THREADS = 1


class Command(JixiaoCommand):
    help = "以生产模式（gunicorn）在 127.0.0.1 上运行 Jixiao"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认仅本机）")
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", WORKERS))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("JIXIAO_THREADS", THREADS))
        )
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")
        parser.add_argument(
            "--no-worker", action="store_true", help="不在本机启动后台任务的工作进程"
        )

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        from gunicorn.app.wsgiapp import run

        self.say(options, f"Jixiao 运行于 http://{options['host']}:{options['port']}/")
        sys.argv = gunicorn_argv(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )
        worker = None if options["no_worker"] else start_worker()
        single_threaded_reading(options["threads"])
        try:
            run()
        finally:
            if worker is not None:  # stopped with the server
                worker.terminate()
                worker.wait(timeout=30)


def start_worker():
    """One `jixiao worker` process beside gunicorn, when jobs go through the database queue
    (another tasks backend has workers of its own)."""
    import subprocess

    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return None
    return subprocess.Popen([sys.executable, "-m", "jixiao", "worker", "--quiet"])


def single_threaded_reading(threads: int) -> None:
    """A threaded web worker (`--threads` above 1) reads an import in its own process: reading
    ahead forks the importing process (`core.readahead`), and a fork while other threads of it
    may hold a lock is not safe. Set here, in gunicorn's master before it forks its workers;
    the job worker started beside it (one thread) still reads large files ahead."""
    if threads > 1:
        settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = None


def gunicorn_argv(*, host: str, port: int, workers: int, threads: int = 1) -> list[str]:
    """gunicorn's command line. The app is loaded once in the master (`--preload`; nothing
    opens a database connection at import) and forked into each worker, so a worker starts
    ready. Workers are recycled after a number of requests (with jitter, so they do not all
    restart at once): whatever memory a large upload left behind in a worker is given back
    (JIXIAO_WORKER_MAX_REQUESTS, 0 to turn it off). At 500, the deadline peak recycled each
    worker about once a minute, and every new worker compiled its templates again: throughput
    fell by a seventh and the pages' p95 rose by half (docs/performance.md); the imports that
    leave large memory behind run as background jobs above 2,000 rows."""
    max_requests = int(os.environ.get("JIXIAO_WORKER_MAX_REQUESTS", 10000))
    return [
        "gunicorn",
        "jixiao.wsgi:application",
        "--preload",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        *(("--worker-class", "gthread", "--threads", str(threads)) if threads > 1 else ()),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
        "--max-requests",
        str(max_requests),
        "--max-requests-jitter",
        str(max_requests // 10),
    ]
