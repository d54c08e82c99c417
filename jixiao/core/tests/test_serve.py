"""`jixiao serve` runs the production server with nothing set but DATABASE_URL (CONTRACT.md)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_serve_starts_gunicorn_with_only_database_url(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"{base}/api/v1/units")
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "server did not start within 60 s"
                time.sleep(0.3)
        assert status == 401 and set(json.loads(body)) == {"detail", "errors"}
        assert get(f"{base}/login/")[0] == 200
        assert (tmp_path / ".jixiao-secret-key").exists()  # generated beside the database
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_workers_are_recycled_with_jitter(monkeypatch):
    from jixiao.core.management.commands.serve import gunicorn_argv

    argv = gunicorn_argv(host="127.0.0.1", port=8000, workers=3)
    assert argv[argv.index("--max-requests") + 1] == "10000"
    assert argv[argv.index("--max-requests-jitter") + 1] == "1000"
    assert "--preload" in argv  # a recycled worker is forked ready, not loaded again
    monkeypatch.setenv("JIXIAO_WORKER_MAX_REQUESTS", "0")
    argv = gunicorn_argv(host="127.0.0.1", port=8000, workers=3)
    assert argv[argv.index("--max-requests") + 1] == "0"


def test_serve_defaults_to_two_sync_workers_a_core_and_one(monkeypatch):
    from jixiao.core.management.commands import serve

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("JIXIAO_THREADS", raising=False)
    parser = serve.Command().create_parser("jixiao", "serve")
    options = parser.parse_args([])
    assert options.workers == 2 * os.cpu_count() + 1 and options.threads == 1
    argv = serve.gunicorn_argv(host="127.0.0.1", port=8000, workers=5)
    assert argv[argv.index("--workers") + 1] == "5" and "--worker-class" not in argv


def test_threads_above_one_run_gthread_workers():
    from jixiao.core.management.commands.serve import gunicorn_argv

    argv = gunicorn_argv(host="127.0.0.1", port=8000, workers=3, threads=4)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "4"


def test_the_wsgi_module_loads_the_urls_in_the_master_without_a_database_connection():
    """gunicorn preloads `jixiao.wsgi`: its workers inherit the URLs and views loaded and
    indexed for reversing (which a worker's first signed-in request did otherwise), and no
    connection (which forked workers would share)."""
    probe = (
        "import jixiao.wsgi\n"
        "from django.db import connections\n"
        "from django.urls import get_resolver\n"
        "print('url_patterns' in vars(get_resolver()), get_resolver()._populated, "
        "[c.connection for c in connections.all()])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jixiao.settings"},
    ).stdout
    assert out.split() == ["True", "True", "[None]"]


def test_threaded_web_workers_read_imports_in_their_own_process(settings):
    from jixiao.core import readahead
    from jixiao.core.management.commands.serve import single_threaded_reading

    settings.JIXIAO_IMPORT_READ_AHEAD_BYTES = 1024
    single_threaded_reading(1)  # sync workers: one thread each, reading ahead is safe
    assert readahead.wanted(4096)
    single_threaded_reading(4)  # gthread workers: a fork could copy another thread's lock
    assert settings.JIXIAO_IMPORT_READ_AHEAD_BYTES is None
    assert not readahead.wanted(10 * 1024 * 1024)
