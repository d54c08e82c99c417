"""Two clients that read one target and write it at the same moment, each with the tag it read:
exactly one wins and the other gets 412, never a lost update (the If-Match check and the write
are one step). Real threads, each with its own connection, on PostgreSQL (the object's advisory
lock) and on SQLite (every write transaction begins IMMEDIATE, so the second waits for the
first's commit and then reads the tag after it)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from jixiao.core.models import ApiToken
from jixiao.targets.models import Target, TargetStatus
from jixiao.targets.services import target_transition
from jixiao.targets.tests.test_api import GOOD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("round_", range(3))
def test_two_clients_at_once_one_wins_the_other_gets_412(world, declare, round_):
    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    url = f"/api/v1/targets/{target.id}"
    keys = [ApiToken.objects.issue(world.users["business"])[1] for _ in range(2)]
    tag = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {keys[0]}")["ETag"]
    bodies = [("approve", {"grades": GOOD}), ("return", {"comment": "请补充依据"})]
    barrier, answers = threading.Barrier(2), [None, None]

    def write(index):
        try:
            action, body = bodies[index]
            barrier.wait()
            answers[index] = Client().post(
                f"{url}/{action}", body, content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {keys[index]}", HTTP_IF_MATCH=tag,
            ).status_code  # fmt: skip
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(answers) == [200, 412]
    status = Target.objects.get(pk=target.pk).status
    winner = answers.index(200)
    assert status == (TargetStatus.FIRST_PASSED if winner == 0 else TargetStatus.RETURNED)
