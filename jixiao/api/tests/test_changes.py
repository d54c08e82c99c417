"""The change feed (GET /api/v1/changes): what other systems follow, in order, exactly once."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from jixiao.api.changes import changes_store
from jixiao.api.models import Change
from jixiao.core.changes import ChangeNote
from jixiao.core.models import ApiToken, TransitionLog
from jixiao.monitoring.tests.test_services import approved, monitoring_round  # noqa: F401
from jixiao.targets.services import project_arrange, target_transition

GOOD = {"overall": "优", "completeness": "优", "relevance": "优",
        "appropriateness": "良", "feasibility": "良"}  # fmt: skip


def approve_fully(world, target):
    for actor, name, kw in [
        (world.filer, "complete", {}),
        (world.leader, "submit", {"attest": True}),
        (world.business, "pass", {"grades": GOOD}),
        (world.budget, "approve", {"grades": GOOD}),
    ]:
        target = target_transition(actor=actor, target=target, name=name, **kw)
    return target


def feed(world, username, since=None, limit=None, client=None):
    _t, key = ApiToken.objects.issue(world.users[username])
    params = {k: v for k, v in (("since", since), ("limit", limit)) if v is not None}
    answer = (client or Client()).get("/api/v1/changes", params, HTTP_AUTHORIZATION=f"Bearer {key}")
    return answer


def test_each_review_step_of_a_target_is_a_change_in_the_order_it_happened(world, declare):
    target = approve_fully(world, declare())
    answer = feed(world, "performance")
    assert answer.status_code == 200
    items = [i for i in answer.json()["items"] if i["kind"] == "target"]
    steps = list(
        TransitionLog.objects.filter(object_id=target.pk)
        .order_by("pk")
        .values_list("target", flat=True)
    )
    assert [i["state"] for i in items] == steps
    assert steps[-1] == "approved"
    last = items[-1]
    assert last["id"] == target.pk and last["external_id"] is None
    assert (last["region"], last["year"], last["unit"], last["project"]) == (
        "100101", 2022, "U1", "P1"
    )  # fmt: skip
    assert last["at"]


def test_a_resumed_feed_gives_only_what_changed_after_its_cursor(world, declare):
    target = approve_fully(world, declare())
    first = feed(world, "performance").json()
    again = feed(world, "performance", since=first["cursor"]).json()
    assert again == {"items": [], "cursor": first["cursor"]}
    project_arrange(actor=world.budget, project=target.project)
    later = feed(world, "performance", since=first["cursor"]).json()
    assert [(i["kind"], i["state"], i["id"]) for i in later["items"]] == [
        ("budget_gate", "arranged", target.project_id)
    ]
    assert later["cursor"] != first["cursor"]


def test_a_small_limit_pages_through_the_feed_without_loss(world, declare):
    approve_fully(world, declare())
    whole = [i["state"] for i in feed(world, "performance").json()["items"]]
    seen, cursor = [], None
    for _page in range(len(whole) + 1):
        page = feed(world, "performance", since=cursor, limit=1).json()
        if not page["items"]:
            break
        seen += [i["state"] for i in page["items"]]
        cursor = page["cursor"]
    assert seen == whole and len(whole) == 4


@pytest.mark.parametrize("username", ["other", "other_region"])
def test_a_user_who_cannot_see_the_object_sees_none_of_its_changes(world, declare, username):
    target = approve_fully(world, declare())
    project_arrange(actor=world.budget, project=target.project)
    answer = feed(world, username)
    assert answer.status_code == 200 and answer.json()["items"] == []


def test_the_unit_itself_follows_its_own_target(world, declare):
    approve_fully(world, declare())
    states = [i["state"] for i in feed(world, "filer").json()["items"]]
    assert states[-1] == "approved"


@pytest.mark.parametrize(
    "query, path", [({"since": "c1.bm9wZQ"}, "since"), ({"since": "garbage"}, "since"),
                    ({"limit": "0"}, "limit"), ({"limit": "5000"}, "limit")],
)  # fmt: skip
def test_a_cursor_we_did_not_give_or_a_bad_limit_is_refused(world, query, path):
    _t, key = ApiToken.objects.issue(world.users["performance"])
    answer = Client().get("/api/v1/changes", query, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"] == path


def test_without_a_token_the_feed_answers_401(world):
    assert Client().get("/api/v1/changes").status_code == 401


@pytest.mark.usefixtures("monitoring_round")
def test_a_suspension_of_funds_and_its_release_are_changes(world):
    import datetime as dt
    from decimal import Decimal

    from jixiao.monitoring.models import Alert, Report
    from jixiao.monitoring.services import alert_dispose, report_save
    from jixiao.monitoring.tick import tick

    report = Report.objects.get(project__code="P1")
    report_save(actor=world.filer, report=report, executed=Decimal("10"), expected_full_year=None)
    alert = Alert.objects.filter(report=report, code="M01").get()
    start = feed(world, "performance").json()["cursor"]
    tick(today=alert.due_date + dt.timedelta(days=1))
    alert_dispose(actor=world.leader, alert=alert, disposal="adjust", reason="调剂至下半年实施")
    items = feed(world, "performance", since=start).json()["items"]
    mine = [(i["state"], i["data"]["alert"], i["project"]) for i in items if i["id"] == alert.pk]
    assert mine == [("suspended", "M01", "P1"), ("released", "M01", "P1")]
    assert all(i["kind"] == "fund_suspension" for i in items)
    assert feed(world, "other_region").json()["items"] == []


# --- exactly once, with writers at work --------------------------------------------------------

CHANGES, WRITERS = 10_000, 4


@pytest.mark.django_db(transaction=True)  # the writers' transactions really commit
def test_a_resumed_feed_sees_each_of_10000_changes_exactly_once_with_concurrent_writers(
    world, declare
):
    """Writers commit batches of changes in random order and at random moments (on PostgreSQL
    in threads, each on its own connection; SQLite has one writer, so there the batches
    alternate with the reads); a reader follows the feed with its cursor meanwhile. It must
    end with every change once."""
    target = declare()
    concurrent = connection.vendor == "postgresql"
    rng = random.Random(17)
    batches = [[]]
    for n in range(CHANGES):
        batches[-1].append(f"s{n}")
        if len(batches[-1]) >= rng.randint(1, 60):
            batches.append([])
    batches = [b for b in batches if b]
    rng.shuffle(batches)
    shares = [batches[w::WRITERS] for w in range(WRITERS)]
    seen: list[str] = []
    cursor = None
    client = Client()

    def read_once() -> int:
        nonlocal cursor
        page = feed(world, "performance", since=cursor, limit=1000, client=client).json()
        seen.extend(i["state"] for i in page["items"])
        cursor = page["cursor"]
        return len(page["items"])

    def write(share, seed):
        pause = random.Random(seed)
        try:
            for batch in share:
                with transaction.atomic():
                    changes_store([ChangeNote("target", target, s) for s in batch])
                    time.sleep(pause.random() / 500)  # commit out of the order of the txids
        finally:
            if concurrent:
                connections.close_all()

    if concurrent:
        threads = [threading.Thread(target=write, args=(s, w)) for w, s in enumerate(shares)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            read_once()
        for t in threads:
            t.join()
    else:
        for index in range(max(len(s) for s in shares)):
            for share in shares:
                if index < len(share):
                    write([share[index]], index)
            if index % 7 == 0:
                read_once()
    while read_once():
        pass
    assert Change.objects.count() == CHANGES
    assert len(seen) == CHANGES  # nothing twice …
    assert set(seen) == {f"s{n}" for n in range(CHANGES)}  # … and nothing missed
