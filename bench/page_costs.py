"""What each request of the deadline peak costs alone (issue 16, part 5): the pages, saves and
transitions of bench/locustfile.py, each made N times in this process with Django's test client
by the load test's own users, on the load test's database.

    .venv/bin/python bench/page_costs.py [--scale small|province] [--json] [--runs N]

The database is bench/load.py's of the scale (`jixiao_load_small`, `jixiao_load`): reset when a
previous run built it (`bench/load.py --reuse`), built when missing. The users are the plan's:
one filer (also its unit's leader) with draft targets and reports of the open round, the
business-office reviewer of its unit, its district's budget office, performance office and
importer. Each signs in through the login page (its password check timed as `signin`).

Each request is made once to warm the caches, then `--runs` times (default 5): its median time
and its queries (the last run's) are the figures `page_<name>_ms` and `page_<name>_queries`,
the time's baseline the bare login page through the same middleware in the same run (its
ratio says how many bare pages a request costs). `page_<name>_cpu_ms` is this process's CPU
time alone (PostgreSQL's is not in it): on a machine shared with other work it moves less
than the wall time, which waits for the CPU and for the database. A transition is timed from the state it
leaves (the document is put back before each run with an UPDATE, not timed); a save posts the
edit form as the page gives it, with a marker in the goal or the execution note, like the
locust users. A POST is timed alone, without the page it redirects to (timed as its own page).
The database is reset as bench/load.py leaves it afterwards.

`--profile FILE` runs cProfile on the CPU time of the timed requests (the sign-in's password hash
left out) and sums it per function over the whole mix: the shares of what every request pays
(middleware, the base layout) and of each page's own work, on stderr and in FILE (pstats).
`--only target_save,report_save,...` makes only the named requests (the sign-ins still happen,
untimed unless `signin` is named), e.g. to profile the saves and review steps alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from html_forms import RETURN_REASON, edit_fields, transition_data  # noqa: E402
from key_evaluations import OUT, figure, progress, say  # noqa: E402
from load import PASSWORD, SCALES, YEAR, prepare, reset  # noqa: E402


class Measure:
    """Times requests of one signed-in client: median milliseconds and the queries. With a
    `profiler` (cProfile), it profiles the timed runs alone (not the warm-up, not `before`)."""

    def __init__(self, runs: int, profiler=None, only: frozenset[str] = frozenset()):
        self.runs = runs
        self.profiler = profiler
        #: The requests to make (`--only`); empty: all of them.
        self.only = only
        self.rows: list[tuple[str, float, float, int, str]] = []

    def wanted(self, name: str) -> bool:
        return not self.only or name in self.only

    def __call__(self, name: str, request, before=None, check=None) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if not self.wanted(name):
            return
        times, cpu = [], []
        queries = 0
        response = None
        for run in range(self.runs + 1):
            if before:
                before()
            profiling = self.profiler if run and name != "signin" else None
            with CaptureQueriesContext(connection) as captured:
                if profiling:
                    profiling.enable()
                started, processor = time.perf_counter(), time.process_time()
                response = request()
                took = (time.perf_counter() - started) * 1000
                spent = (time.process_time() - processor) * 1000
                if profiling:
                    profiling.disable()
            if run:  # the first run warms the caches
                times.append(took)
                cpu.append(spent)
                queries = len(captured)
        note = check(response) if check else ""
        if response.status_code >= 400:
            note = f"answered {response.status_code}"
        ms, cpu_ms = statistics.median(times), statistics.median(cpu)
        self.rows.append((name, ms, cpu_ms, queries, note))
        progress(f"  {name:24} {ms:8.1f} ms {cpu_ms:8.1f} cpu ms {queries:5} queries  {note}")


def outcome(response) -> str:
    """What the page a POST redirected to says: '' when it acknowledged, else why not."""
    if response.status_code in (301, 302):
        return ""
    text = response.content.decode()
    if "msg-success" in text:
        return ""
    return "refused" if ("msg-error" in text or 'class="error"' in text) else "no outcome shown"


def signed_in(username: str, measure: Measure | None = None):
    from django.test import Client

    client = Client()
    client.get("/login/")

    def login():
        client.cookies.pop("sessionid", None)
        return client.post(
            "/login/",
            {"username": username, "password": PASSWORD, "next": ""},
        )

    if measure and measure.wanted("signin"):
        measure("signin", login, check=lambda r: "" if r.status_code == 302 else "refused")
    else:
        login()
    return client


def people(plan: dict) -> dict:
    """The plan's first filer with both targets and reports, and the people of its district who
    deal with them."""
    from jixiao.orgs.models import UnitYear, User

    filer = next(f for f in plan["filers"] if f["targets"] and f["reports"])
    user = User.objects.get(username=filer["username"])
    district = user.region.code
    office = UnitYear.objects.get(unit_id=user.unit_id, year=YEAR).office
    reviewer = User.objects.filter(office=office, username__startswith="load-").first()
    return {
        "filer": filer,
        "district": district,
        "reviewer": reviewer.username if reviewer else plan["reviewers"][0],
        "budget": f"load-{district}-budget",
        "office": f"load-{district}-perf",
        "importer": plan["importers"][0],
    }


def queued(district: str, plan: dict, count: int = 20) -> None:
    """Put `count` targets and reports of the district's filers into the reviewers' queues, as
    a deadline day leaves them (not timed)."""
    from jixiao.monitoring.models import Report, ReportStatus
    from jixiao.targets.models import Target, TargetStatus

    mine = [f for f in plan["filers"] if f["username"].startswith(f"load-{district}-")]
    targets = [pk for f in mine for pk in f["targets"][1:]][:count]
    reports = [pk for f in mine for pk in f["reports"][1:]][:count]
    Target.objects.filter(pk__in=targets[: count // 2]).update(status=TargetStatus.SUBMITTED)
    Target.objects.filter(pk__in=targets[count // 2 :]).update(status=TargetStatus.FIRST_PASSED)
    Report.objects.filter(pk__in=reports).update(status=ReportStatus.SUBMITTED)


def measure_all(plan: dict, runs: int, profiler=None, only=frozenset()) -> Measure:
    from jixiao.monitoring.models import Report, ReportIndicator, ReportStatus
    from jixiao.targets.models import Target, TargetStatus

    measure = Measure(runs, profiler, only)
    who = people(plan)
    filer = who["filer"]
    target, report = filer["targets"][0], filer["reports"][0]
    queued(who["district"], plan)
    from django.test import Client

    bare = Client()
    measure("bare_login_page", lambda: bare.get("/login/"))

    def status(model, pk, value):
        return lambda: model.objects.filter(pk=pk).update(status=value)

    def save(client, kind, pk, field, then, before=None):
        """The timed save and its `before`: the edit form drawn again (untimed) before each run,
        as a filer opens it before saving, so the form carries the stamp of the last save and
        is not refused as overwritten (core/edit_stamp.py)."""
        base = "/targets" if kind == "target" else "/monitoring/reports"
        data: dict[str, list[str]] = {}

        def opened():
            if before:
                before()
            page = client.get(f"{base}/{pk}/edit/").content.decode()
            data.clear()
            for name, value in edit_fields(page, kind, field, " 〔page-costs〕", then) or []:
                data.setdefault(name, []).append(value)

        return {"request": lambda: client.post(f"{base}/{pk}/edit/", data), "before": opened}

    documents = {"target": (Target, target), "report": (Report, report)}

    def step(name, client, kind, transition, source, comment=""):
        """Time a transition of the document from `source` (put back before each run)."""
        model, pk = documents[kind]
        base = "/targets" if kind == "target" else "/monitoring/reports"
        data = transition_data(kind, transition, comment)
        measure(
            name,
            lambda: client.post(f"{base}/{pk}/transition/", data, follow=True),
            before=status(model, pk, source),
            check=outcome,
        )

    progress(f"filer {filer['username']}: target {target}, report {report}")
    client = signed_in(filer["username"], measure)
    draft_target = status(Target, target, TargetStatus.DRAFT)
    # A filer's report holds its execution and its indicators' progress before it is completed
    # (refused without them).
    Report.objects.filter(pk=report, executed__isnull=True).update(executed=1)
    blank = ReportIndicator.objects.filter(report_id=report, progress="")
    blank = list(blank.values_list("pk", flat=True))
    ReportIndicator.objects.filter(pk__in=blank).update(progress="1")
    draft_target()
    status(Report, report, ReportStatus.DRAFT)()
    measure("targets", lambda: client.get("/targets/"))
    measure("reports", lambda: client.get("/monitoring/reports/"))
    measure("target_detail", lambda: client.get(f"/targets/{target}/"))
    measure("target_edit", lambda: client.get(f"/targets/{target}/edit/"))
    measure("target_save", **save(client, "target", target, "goal", "save"), check=outcome)
    measure(
        "target_complete",
        **save(client, "target", target, "goal", "complete", before=draft_target),
        check=outcome,
    )
    step("target_submit", client, "target", "submit", TargetStatus.READY)
    measure("report_detail", lambda: client.get(f"/monitoring/reports/{report}/"))
    measure("report_edit", lambda: client.get(f"/monitoring/reports/{report}/edit/"))
    measure("report_save", **save(client, "report", report, "execution_note", ""), check=outcome)
    step("report_complete", client, "report", "complete", ReportStatus.DRAFT)
    step("report_submit", client, "report", "submit", ReportStatus.READY)

    progress(f"reviewer {who['reviewer']}")
    client = signed_in(who["reviewer"])
    measure("target_queue", lambda: client.get("/targets/queue/"))
    measure("report_queue", lambda: client.get("/monitoring/reports/queue/"))
    step("target_pass", client, "target", "pass", TargetStatus.SUBMITTED)
    step("target_return", client, "target", "return_first", TargetStatus.SUBMITTED, RETURN_REASON)
    step("report_pass", client, "report", "pass", ReportStatus.SUBMITTED)

    progress(f"budget office {who['budget']}")
    client = signed_in(who["budget"])
    measure("budget_target_queue", lambda: client.get("/targets/queue/"))
    step("target_approve", client, "target", "approve", TargetStatus.FIRST_PASSED)

    progress(f"performance office {who['office']}")
    client = signed_in(who["office"])
    measure("dashboard", lambda: client.get("/dashboard/"))
    import re

    topics = re.findall(
        r'href="(/dashboard/records/[a-z_-]+/[^"]*)"', client.get("/dashboard/").content.decode()
    )
    if topics:
        listing = topics[0].replace("&amp;", "&")
        measure("dashboard_records", lambda: client.get(listing))
        links = re.findall(
            r'href="([^"]*(?:xlsx|format=)[^"]*)"', client.get(listing).content.decode()
        )
        if links:
            export = links[0].replace("&amp;", "&")
            measure("export", lambda: client.get(export))
    measure("alerts", lambda: client.get("/alerts/"))

    progress(f"importer {who['importer']}")
    client = signed_in(who["importer"])
    measure("payments_import_page", lambda: client.get("/payments/import/"))

    def upload():
        with open(plan["payments_file"], "rb") as handle:
            return client.post("/payments/import/", {"file": handle}, follow=True)

    measure("payments_import", upload, check=outcome)
    ReportIndicator.objects.filter(pk__in=blank).update(progress="")  # as the build left them
    return measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--json", action="store_true", help="one JSON figure a line on stdout")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each request")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile the timed requests' CPU time (the sign-in's password hash left out), "
        "summed over the whole mix, into FILE (pstats); the top functions on stderr",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        default="",
        help="make (and time, and profile) only these requests, comma-separated "
        "(target_save,target_complete,...); the others are skipped",
    )
    args, _rest = parser.parse_known_args()
    OUT["json"] = args.json
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-page-costs-"))
    _url, _env, plan = prepare(args.scale, workdir, reuse=True)
    profiler = None
    if args.profile:
        import cProfile

        # CPU time, not wall time: the database's share and the neighbours' are not this
        # process's cost.
        profiler = cProfile.Profile(time.process_time)
    try:
        only = frozenset(filter(None, args.only.split(",")))
        if only:  # the baseline of every ratio is always measured
            only |= {"bare_login_page"}
        measure = measure_all(plan, args.runs, profiler, only)
    finally:
        reset()
    if profiler:
        import pstats

        profiler.dump_stats(args.profile)
        stats = pstats.Stats(args.profile, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
    bare = next(ms for name, ms, *_r in measure.rows if name == "bare_login_page")
    bare_cpu = next(cpu for name, _ms, cpu, *_r in measure.rows if name == "bare_login_page")
    say(
        f"{'request':24} {'median ms':>10} {'cpu ms':>8} {'queries':>8}  (scale {args.scale}, "
        f"{args.runs} runs; the machine's load average {os.getloadavg()[0]:.1f})"
    )
    for name, ms, cpu_ms, queries, note in measure.rows:
        say(f"{name:24} {ms:10.1f} {cpu_ms:8.1f} {queries:8}  {note}")
        if name == "bare_login_page":
            continue
        figure(f"page_{name}_ms", ms, "ms", baseline=bare)
        figure(f"page_{name}_cpu_ms", cpu_ms, "ms", baseline=bare_cpu)
        figure(f"page_{name}_queries", queries, "queries")


if __name__ == "__main__":
    main()
