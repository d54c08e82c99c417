"""Load benchmark of the public survey page (issue 13, "Must hold"): concurrent respondents on
phones against the real server, every answer stored once, against a bare insert of the same rows.

    .venv/bin/python bench/surveys.py [--scale small|full] [--seconds S] [--respondents N]
                                      [--workers W] [--json] [--keep]
    DATABASE_URL=postgres://jixiao:…@127.0.0.1:5432/jixiao_bench .venv/bin/python bench/surveys.py
    ./dev bench --json --scale small          (runs every bench script with the same options)

Scale: `full` (the default) is 200 concurrent respondents for 60 seconds, `small` 20 for 5
seconds; `--respondents` and `--seconds` override them. Uses a fresh SQLite file in a temporary
folder unless DATABASE_URL is set (run it on PostgreSQL: that is what a bureau deploys; SQLite
writes one transaction at a time); then it replaces the surveys of the synthetic province 980000 in that
database, surveys and answers. Options it does not know are ignored (`./dev bench` passes every
bench the same ones). Progress goes to stderr.

1. Setup (reported, not a figure): `jixiao migrate`, a synthetic province 980000 with one
   district and one unit (its own, so that `generate --replace` of the other benches' 990000
   never meets a survey), then an open survey of the unit with the question set "unit" (group, single choice, four counting scale questions,
   multiple choice, number, text). The district's rulebook (a new version each run, through
   `rulebook_save`) raises the per-survey rate limit out of the way and sets the "too fast"
   threshold to 0 s, so that every bench answer is valid; the per-address limit stays the
   national one: each answer comes from an address of its own through the trusted proxy
   header (the server runs with JIXIAO_TRUST_X_REAL_IP=1, as behind the deployment's proxy).
2. Load: the real server (`gunicorn jixiao.wsgi:application`, `--workers` sync workers, 3 by
   default, as `jixiao serve`) on a free port of 127.0.0.1. N threads, each a respondent after
   another for S seconds: GET `/survey/<token>/` with a fresh cookie jar (a new respondent),
   then POST the form back with its CSRF token, its signed start time and a complete, varied
   answer. A request counts as an error unless the GET answers 200 with the form and the POST
   200 with the thanks. Afterwards the survey must hold exactly one Response a successful
   submission (distinct respondents, all valid) with every answer row; the bench exits
   non-zero otherwise or on any error.
3. Baseline: the same number of Responses with the same Answers written directly by
   `bulk_create` (in batches of 500, one transaction) into a second survey, in this process:
   the floor of storing them.

Figures (`--json`: one object a line, {"name","value","unit","baseline","ratio","goal"}; the
goal is the most the value may be, or for a throughput the least):

- `survey_requests`, `survey_errors` (goal 0): requests made (GET and POST), failed ones.
- `survey_request_p50_ms`, `survey_request_p95_ms` (goal 2000 ms at 200 respondents on 2 cores:
  a phone user waits at most a couple of seconds), over every request.
- `survey_post_p95_ms`: the submissions alone.
- `survey_answers_per_s`: stored submissions a second through the server, baseline the bare
  insert's, ratio value/baseline (no goal: it says what the page, its checks, the rate limit's
  counters and the workers cost over the rows themselves).
- `survey_stored_once`: 1 when the stored rows equal the successful submissions (goal 1).

Measured 2026-12-04 on PostgreSQL, 2 shared cores at a load average of about 10 (other test
runs), 3 workers, 200 respondents for 60 s: 3,124 requests, 0 errors, 1,562 answers stored
once each, p50 4.1 s, p95 6.3 s, 23 answers/s against 1,342 for the bare insert. The server
is CPU-bound: one GET and POST cost about 88 ms of one core in-process (24 queries; a third of
it the three `rules_for` calls, each copying the national rulebook, and 15 ms the two rate-limit
counters), so 2 cores give about 23 answers/s, and with respondents that never pause the wait
is the queue: 200 in flight / 46 requests a second ≈ 4.3 s (Little's law). Real respondents
spend minutes on a questionnaire, so 200 of them at once post a few a second.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

# The helpers every bench shares (run as a script, this folder is on sys.path).
from key_evaluations import OUT, _run, progress, say
from key_evaluations import _env as shared_env
from key_evaluations import figure as shared_figure

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022
PROVINCE = "980000"  # a synthetic province of its own, apart from `generate`'s 990000
DISTRICT = "980001"
SCALES = {"small": (20, 5.0), "full": (200, 60.0)}
BATCH = 500
THANKS = "感谢您的参与"


def figure(name, value, unit, baseline=None, goal=None) -> dict:
    """`key_evaluations.figure`, and a readable line when stdout does not carry the JSON."""
    item = shared_figure(name, value, unit, baseline, goal)
    if not OUT["json"]:
        shown = f" (baseline {item['baseline']}, ratio {item['ratio']})" if baseline else ""
        goal_text = f", goal {goal}" if goal is not None else ""
        say(f"  {name}: {item['value']} {unit}{shown}{goal_text}")
    return item


def _env(workdir: Path) -> dict:
    """The other benches' environment, and the server's: the proxy's header trusted (each
    respondent's address), workers never recycled during the minute, no debug."""
    return {
        **shared_env(workdir),
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "JIXIAO_TRUST_X_REAL_IP": "1",
        "JIXIAO_WORKER_MAX_REQUESTS": "0",
        "DEBUG": "0",
    }


# --- 1. setup ---------------------------------------------------------------------------------


def clear(prefix: str) -> int:
    """Remove the surveys (and their answers) an earlier run left in the synthetic province."""
    from django.db import transaction

    from jixiao.surveys.models import Answer, Response, Survey

    surveys = Survey.objects.filter(region__path__startswith=prefix)
    count = surveys.count()
    with transaction.atomic():
        Answer.objects.filter(response__survey__in=surveys).delete()
        Response.objects.filter(survey__in=surveys).delete()
        surveys.delete()
    return count


def build() -> tuple:
    """The bench survey (open, question set "unit") and the baseline's twin (a draft), and the
    district's rulebook version that lets every bench answer through and count as valid."""
    from jixiao.core.rulebook import rulebook_save
    from jixiao.orgs.models import Region, Unit
    from jixiao.surveys import question_sets
    from jixiao.surveys.answering import survey_rules
    from jixiao.surveys.models import Question, Survey, SurveyStatus

    province, _new = Region.objects.get_or_create(
        code=PROVINCE, defaults={"name": "问卷压力测试省", "level": Region.Level.PROVINCE}
    )
    district, _new = Region.objects.get_or_create(
        code=DISTRICT,
        defaults={"name": "问卷压力测试区", "level": Region.Level.DISTRICT, "parent": province},
    )
    unit, _new = Unit.objects.get_or_create(
        region=district, code="BENCH-SURVEY", defaults={"name": "问卷压力测试政务服务中心"}
    )
    rulebook_save(
        region_code=district.code,
        year=YEAR,
        values={
            "survey": {
                "rate_limits": {"survey": {"limit": 10_000_000, "seconds": 60}},
                "validity": {"min_seconds": 0},
            }
        },
        actor=None,
        note="bench/surveys.py: the per-survey limit out of the way, no minimum time",
    )
    made = []
    for status in (SurveyStatus.OPEN, SurveyStatus.DRAFT):
        survey = Survey.objects.create(
            region=district,
            year=YEAR,
            unit=unit,
            subject_kind="unit_evaluation",
            title=f"{unit.name}服务满意度调查（压力测试）",
            status=status,
        )
        template = question_sets.question_set("unit", subject=unit.name)
        Question.objects.bulk_create(
            Question(
                survey=survey,
                order=n,
                kind=q["kind"],
                text=q["text"],
                options=list(q.get("options") or []),
                required=bool(q.get("required", True)),
                counts=bool(q.get("counts", False)),
            )
            for n, q in enumerate(template["questions"], start=1)
        )
        made.append(survey)
    rules = survey_rules(made[0])
    assert rules["validity"]["min_seconds"] == 0, "the district's rulebook is not in force"
    return made[0], made[1], rules


def answer_of(questions, rules, n: int) -> dict[str, object]:
    """Respondent n's complete, varied answer (no two scale questions alike, so none is
    straight-lining), as the posted form carries it: field → value or values."""
    from jixiao.surveys.answering import field_name, options_of

    data: dict[str, object] = {}
    for k, q in enumerate(questions):
        options = options_of(q, rules)
        if q.kind == "multiple":
            data[field_name(q)] = [options[n % len(options)], options[(n + 1) % len(options)]]
        elif q.kind == "number":
            data[field_name(q)] = str(n % 12)
        elif q.kind == "text":
            data[field_name(q)] = f"第{n}位受访者的意见：希望继续改进服务。"
        elif q.kind == "scale":
            data[field_name(q)] = options[(n + k) % 3]  # 很满意/满意/基本满意 in turn
        else:
            data[field_name(q)] = options[n % len(options)]
    return data


# --- 2. load ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "jixiao.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--backlog", "2048", "--timeout", "120", "--log-level", "warning",
        ],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=env["PWD"],
        start_new_session=True,
    )  # fmt: skip
    return answering(server, port, 60)


def answering(server: subprocess.Popen, port: int, seconds: float) -> subprocess.Popen:
    """The server once it answers its login page; stopped, and the bench ended, otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server ended with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"the server did not answer within {seconds:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


HIDDEN = re.compile(r'type="hidden" name="(csrfmiddlewaretoken|started|c)" value="([^"]*)"')


def _cookies(response, jar: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _sep, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


class Load:
    """The respondents' threads and what they saw."""

    def __init__(self, port: int, token: str, bodies: list[dict], seconds: float):
        self.port, self.path, self.bodies = port, f"/survey/{token}/", bodies
        self.deadline = 0.0
        self.seconds = seconds
        self.numbers = itertools.count()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.post_latencies: list[float] = []
        self.ok = 0
        self.errors: dict[str, int] = {}

    def _request(self, conn, method, headers, body=None):
        started = time.perf_counter()
        conn.request(method, self.path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read().decode("utf-8", "replace")
        return response, content, (time.perf_counter() - started) * 1000

    def _error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1

    def respondent(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        while time.monotonic() < self.deadline:
            n = next(self.numbers)
            address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            jar: dict[str, str] = {}
            try:
                got, page, get_ms = self._request(conn, "GET", {"X-Real-IP": address})
                _cookies(got, jar)
                hidden = dict(HIDDEN.findall(page))
                with self.lock:
                    self.latencies.append(get_ms)
                if got.status != 200 or "csrfmiddlewaretoken" not in hidden:
                    self._error(f"GET {got.status}")
                    continue
                body = urlencode({**hidden, **self.bodies[n % len(self.bodies)]}, doseq=True)
                headers = {
                    "X-Real-IP": address,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                }
                sent, thanks, post_ms = self._request(conn, "POST", headers, body)
                with self.lock:
                    self.latencies.append(post_ms)
                    self.post_latencies.append(post_ms)
                    if sent.status == 200 and THANKS in thanks:
                        self.ok += 1
                    else:
                        self.errors[f"POST {sent.status}"] = (
                            self.errors.get(f"POST {sent.status}", 0) + 1
                        )
            except (OSError, http.client.HTTPException) as failed:
                self._error(type(failed).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.close()

    def run(self, respondents: int) -> float:
        threads = [threading.Thread(target=self.respondent) for _n in range(respondents)]
        started = time.perf_counter()
        self.deadline = time.monotonic() + self.seconds
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def stored(survey, answers_each: int, ok: int) -> list[str]:
    """What differs between the stored rows and the successful submissions."""
    from jixiao.surveys.models import Answer, Response

    responses = Response.objects.filter(survey=survey)
    count = responses.count()
    distinct = responses.values("respondent").distinct().count()
    valid = responses.filter(valid=True).count()
    answers = Answer.objects.filter(response__survey=survey).count()
    differ = []
    if count != ok:
        differ.append(f"{count} Responses stored for {ok} successful submissions")
    if distinct != count:
        differ.append(f"{count - distinct} respondents stored twice")
    if valid != count:
        differ.append(f"{count - valid} stored answers invalid")
    if answers != count * answers_each:
        differ.append(f"{answers} Answer rows, {count * answers_each} expected")
    return differ


# --- 3. baseline ------------------------------------------------------------------------------


def bare_insert(twin, questions, rules, count: int) -> float:
    """Seconds to bulk_create `count` Responses with the same Answers into `twin`."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from jixiao.core.ratelimit import address_hash
    from jixiao.surveys.answering import respondent_hash
    from jixiao.surveys.models import Answer, Response

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        for first in range(0, count, BATCH):
            numbers = range(first, min(count, first + BATCH))
            responses = Response.objects.bulk_create(
                Response(
                    survey=twin,
                    respondent=respondent_hash(f"bench-{n}"),
                    address_hash=address_hash(f"10.0.{n >> 8 & 255}.{n & 255}"),
                    group="办事群众",
                    started_at=now,
                    submitted_at=now,
                    seconds=0,
                )
                for n in numbers
            )
            rows = []
            for n, response in zip(numbers, responses, strict=True):
                data = answer_of(questions, rules, n)
                for q in questions:
                    value = data[f"q{q.pk}"]
                    if q.kind == "number":
                        rows.append(Answer(response=response, question=q, number=Decimal(value)))
                    elif q.kind == "text":
                        rows.append(Answer(response=response, question=q, text=value))
                    else:
                        chosen = value if isinstance(value, list) else [value]
                        rows.append(Answer(response=response, question=q, choices=chosen))
            Answer.objects.bulk_create(rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--respondents", type=int, help="concurrent respondents")
    parser.add_argument("--seconds", type=float, help="how long they keep answering")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2–4)")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args, _unknown = parser.parse_known_args()  # `./dev bench` passes every bench's options
    OUT["json"] = args.json
    respondents = args.respondents or SCALES[args.scale][0]
    seconds = args.seconds or SCALES[args.scale][1]
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-bench-surveys-"))
    env = _env(workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    database = env["DATABASE_URL"].split("@")[-1]
    progress(
        f"bench/surveys.py: {respondents} respondents for {seconds:g} s against "
        f"{args.workers} gunicorn workers; database {database}; {os.cpu_count()} CPUs, load "
        f"average {os.getloadavg()[0]:.1f}"
    )
    import django

    django.setup()
    prefix = f"{PROVINCE}/"
    started = time.perf_counter()
    migrate = _run(["migrate", "--noinput"], env)
    removed = clear(prefix)
    survey, twin, rules = build()
    questions = list(survey.questions.all())
    bodies = [answer_of(questions, rules, n) for n in range(50)]
    say(
        f"setup ({time.perf_counter() - started:.1f} s): migrate {migrate:.1f} s"
        + (f", {removed} surveys of an earlier run removed" if removed else "")
        + f"; survey {survey.public_url} with "
        f"{len(questions)} questions"
    )
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        load = Load(port, survey.token, bodies, seconds)
        elapsed = load.run(respondents)
    finally:
        stop_server(server)
    errors = sum(load.errors.values())
    say(
        f"load ({elapsed:.1f} s): {len(load.latencies)} requests, {load.ok} answers stored, "
        f"errors {load.errors or 0}"
    )
    differ = stored(survey, len(questions), load.ok)
    bare = bare_insert(twin, questions, rules, max(load.ok, 1))
    figure("survey_requests", len(load.latencies), "requests")
    figure("survey_errors", errors, "requests", goal=0)
    figure("survey_request_p50_ms", percentile(load.latencies, 0.5), "ms")
    figure("survey_request_p95_ms", percentile(load.latencies, 0.95), "ms", goal=2000)
    figure("survey_post_p95_ms", percentile(load.post_latencies, 0.95), "ms")
    if load.latencies:
        say(f"  mean request {statistics.fmean(load.latencies):.0f} ms")
    figure("survey_answers_per_s", load.ok / elapsed, "answers/s", baseline=max(load.ok, 1) / bare)
    figure("survey_stored_once", 0 if differ else 1, "", goal=1)
    progress(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    if errors:
        differ.append(f"{errors} failed requests: {load.errors}")
    if differ:
        raise SystemExit("; ".join(differ))


if __name__ == "__main__":
    main()
