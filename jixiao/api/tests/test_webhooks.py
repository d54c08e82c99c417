"""Webhooks: signed deliveries of the change feed to a real receiver, retries of a failing one,
the delivery log, and the checks on where a receiver may be."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.api.changes import changes_store
from jixiao.api.models import Change, Delivery, Webhook
from jixiao.api.webhooks import deliveries_send_due
from jixiao.core.changes import ChangeNote
from jixiao.core.models import ApiToken
from jixiao.targets.models import Target
from jixiao.targets.services import project_arrange, target_transition

GOOD = {"overall": "优", "completeness": "优", "relevance": "优",
        "appropriateness": "良", "feasibility": "良"}  # fmt: skip
LOOPBACK = override_settings(JIXIAO_WEBHOOK_PRIVATE_NETWORKS=["127.0.0.0/8"])


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps what it receives and answers with the next status
    of `statuses` (the last one once they run out)."""

    def __init__(self, statuses=(200,)):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=(200,)):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.close()


def api(world, username, method, url, body=None):
    _t, key = ApiToken.objects.issue(world.users[username])
    client = Client()
    call = getattr(client, method)
    if body is None:
        return call(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    return call(url, json.dumps(body), content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {key}")  # fmt: skip


def approve_fully(world, target):
    for actor, name, kw in [
        (world.filer, "complete", {}),
        (world.leader, "submit", {"attest": True}),
        (world.business, "pass", {"grades": GOOD}),
        (world.budget, "approve", {"grades": GOOD}),
    ]:
        target = target_transition(actor=actor, target=target, name=name, **kw)
    return target


@LOOPBACK
def test_a_receiver_gets_each_change_signed_with_the_secret(world, declare, receiver):
    server = receiver()
    made = api(world, "performance", "post", "/api/v1/webhooks",
               {"name": "预算一体化", "url": server.url, "kinds": ["target", "budget_gate"]})  # fmt: skip
    assert made.status_code == 201
    secret = made.json()["secret"]
    target = approve_fully(world, declare())
    project_arrange(actor=world.budget, project=target.project)
    assert deliveries_send_due()["sent"] == 5  # four review steps and the gate
    assert len(server.received) == 5
    states = []
    for headers, body in server.received:
        timestamp = headers["X-Jixiao-Timestamp"]
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        assert headers["X-Jixiao-Signature"] == "sha256=" + expected.hexdigest()
        change = json.loads(body)["change"]
        assert headers["X-Jixiao-Event"] == change["kind"]
        states.append((change["kind"], change["state"]))
    assert states[-2:] == [("target", "approved"), ("budget_gate", "arranged")]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert "secret" not in api(world, "performance", "get", "/api/v1/webhooks").json()["items"][0]


@LOOPBACK
def test_a_failing_receiver_gets_retries_until_it_answers(world, declare, receiver):
    server = receiver(statuses=(500, 503, 200))
    api(world, "performance", "post", "/api/v1/webhooks",
        {"name": "x", "url": server.url, "kinds": ["budget_gate"]})  # fmt: skip
    target = approve_fully(world, declare())
    project_arrange(actor=world.budget, project=target.project)
    now = timezone.now()
    assert deliveries_send_due(now=now) == {"sent": 0, "failed": 1}
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == now + dt.timedelta(minutes=1)
    assert deliveries_send_due(now=now) == {"sent": 0, "failed": 0}  # not due yet
    assert deliveries_send_due(now=now + dt.timedelta(minutes=1)) == {"sent": 0, "failed": 1}
    assert deliveries_send_due(now=now + dt.timedelta(minutes=7))["sent"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 3, 200)
    assert len(server.received) == 3
    ids = {h["X-Jixiao-Delivery"] for h, _b in server.received}
    assert ids == {str(delivery.pk)}  # the same delivery each time: the receiver can dedupe
    log = api(world, "performance", "get", f"/api/v1/webhooks/{delivery.webhook_id}/deliveries")
    assert log.json()["items"][0]["attempts"] == 3


@LOOPBACK
@override_settings(JIXIAO_WEBHOOK_RETRY_MINUTES=[1])
def test_a_receiver_that_never_answers_is_given_up_after_the_last_retry(world, declare, receiver):
    server = receiver(statuses=(500,))
    api(world, "performance", "post", "/api/v1/webhooks",
        {"name": "x", "url": server.url, "kinds": ["budget_gate"]})  # fmt: skip
    target = approve_fully(world, declare())
    project_arrange(actor=world.budget, project=target.project)
    now = timezone.now()
    deliveries_send_due(now=now)
    deliveries_send_due(now=now + dt.timedelta(minutes=2))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert deliveries_send_due(now=now + dt.timedelta(days=1))["failed"] == 0


@LOOPBACK
def test_a_webhook_gets_only_changes_its_owner_may_see(world, declare, receiver):
    server = receiver()
    api(world, "other_region", "post", "/api/v1/webhooks",
        {"name": "x", "url": server.url, "kinds": ["target"]})  # fmt: skip
    approve_fully(world, declare())
    assert deliveries_send_due() == {"sent": 0, "failed": 0}
    assert server.received == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
     "http://[::1]/hook", "http://192.168.1.10/", "ftp://example.org/hook", "not a url"],
)  # fmt: skip
def test_a_receiver_on_a_private_or_odd_address_is_refused(world, url):
    answer = api(world, "performance", "post", "/api/v1/webhooks",
                 {"name": "x", "url": url, "kinds": ["target"]})  # fmt: skip
    assert answer.status_code == 422
    assert Webhook.objects.count() == 0


def test_an_unknown_kind_is_refused(world):
    answer = api(world, "performance", "post", "/api/v1/webhooks",
                 {"name": "x", "url": "http://203.0.113.9/", "kinds": ["salary"]})  # fmt: skip
    assert answer.status_code == 422 and "target" in answer.json()["detail"]


@LOOPBACK
def test_a_receiver_that_moved_into_a_private_network_is_not_sent_to(world, declare, receiver):
    server = receiver()
    api(world, "performance", "post", "/api/v1/webhooks",
        {"name": "x", "url": server.url, "kinds": ["budget_gate"]})  # fmt: skip
    target = approve_fully(world, declare())
    project_arrange(actor=world.budget, project=target.project)
    with override_settings(JIXIAO_WEBHOOK_PRIVATE_NETWORKS=[]):
        assert deliveries_send_due()["failed"] == 1
    assert server.received == []
    assert "内网" in Delivery.objects.get().last_error


@LOOPBACK
def test_another_users_webhook_answers_404(world, receiver):
    server = receiver()
    made = api(world, "performance", "post", "/api/v1/webhooks",
               {"name": "x", "url": server.url, "kinds": ["target"]}).json()  # fmt: skip
    for method, url in [("get", f"/api/v1/webhooks/{made['id']}/deliveries"),
                        ("delete", f"/api/v1/webhooks/{made['id']}")]:  # fmt: skip
        assert api(world, "other", method, url).status_code == 404
    assert api(world, "other", "get", "/api/v1/webhooks").json()["items"] == []
    assert api(world, "performance", "delete", f"/api/v1/webhooks/{made['id']}").status_code == 200
    assert Webhook.objects.count() == 0


def stored_in_a_step(world, target):
    """The queries of `changes_store` for one change, inside a transaction as a step's is, of
    the target read with its place as a step reads it."""
    target = Target.objects.select_related("region", "unit", "project").get(pk=target.pk)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        changes_store([ChangeNote("target", target, "completed")])
    return [q["sql"] for q in captured]


def test_a_step_with_no_active_webhook_stores_its_change_in_two_queries(world, declare):
    target = declare()
    Webhook.objects.create(owner=world.performance, name="停用", url="http://192.0.2.1/",
                           secret="s", kinds=["target"], active=False)  # fmt: skip
    queries = stored_in_a_step(world, target)
    # the lock with the webhooks' check (PostgreSQL; the check alone elsewhere), the row
    assert len(queries) == 2, queries
    assert not any("SAVEPOINT" in q.upper() for q in queries)
    assert Change.objects.filter(kind="target", object_id=target.pk, state="completed").exists()
    assert not Delivery.objects.exists()


@LOOPBACK
def test_a_step_with_an_active_webhook_still_queues_its_delivery(world, declare, receiver):
    target = declare()
    hook = Webhook.objects.create(owner=world.performance, name="预算", url=receiver().url,
                                  secret="s", kinds=["target"])  # fmt: skip
    stored_in_a_step(world, target)
    change = Change.objects.get(kind="target", object_id=target.pk, state="completed")
    assert list(Delivery.objects.values_list("webhook_id", "change_id")) == [(hook.pk, change.pk)]
