"""The users of bench/load.py's deadline peak (run by it: `locust -f bench/locustfile.py`).

LOAD_PLAN names the plan bench/load.py wrote (accounts, each filer's documents, the payments
file); LOAD_LEDGER where the acknowledged writes go when locust stops, for the count in the
database. Every user signs in through the login page (its CSRF token, the real password check)
and then works through the pages as a person does, between 2 and 8 seconds of reading and
typing between two requests:

- Filer (the most): opens a draft target, saves it (the goal carries a marker of its own), now
  and then "save and complete" and then submits it; opens a report of the open round, saves it
  (the execution note carries the marker), completes and submits it; looks at the lists.
- Reviewer (a business office): the target and report queues; opens one, passes it or, one time
  in five, returns it with a reason.
- Budget: the target queue; approves what the business offices passed.
- Office (the performance office): the dashboard, a list behind a chart and its export.
- Importer (one): a payments file through the import page, every 20–40 seconds.

A request fails when the answer is not the page expected: an unexpected status, the login page,
an error page, or a save or transition the page reports as refused (a review refused because
another reviewer acted first is not a failure, and not counted as a write).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode

from html_forms import MARK, RETURN_REASON, Forms, edit_fields, transition_data
from locust import FastHttpUser, between, constant_pacing, events, task

PLAN = json.load(open(os.environ["LOAD_PLAN"], encoding="utf-8"))
LEDGER: dict = {"saves": [], "transitions": [], "unsure": 0, "signed_in": [], "requests": []}
POOLS = {
    kind: itertools.cycle(PLAN[kind] or [None])
    for kind in ("filers", "reviewers", "budget", "offices", "importers")
}
SERIAL = itertools.count(1)
LINK = {
    "target": re.compile(r'href="/targets/(\d+)/"'),
    "report": re.compile(r'href="/monitoring/reports/(\d+)/"'),
}
BASE = {"target": "/targets", "report": "/monitoring/reports"}


@events.request.add_listener
def _timed(request_type, name, response_time, exception=None, **_kwargs):
    """Every request with its end time, so bench/load.py can tell the sign-in rush apart."""
    LEDGER["requests"].append((time.time(), name, response_time, exception is not None))


@events.quitting.add_listener
def _write_ledger(environment, **_kwargs):
    with open(os.environ["LOAD_LEDGER"], "w", encoding="utf-8") as out:
        json.dump(LEDGER, out)


def outcome(response) -> tuple[bool, bool]:
    """(acknowledged, refused) from the page a POST was redirected to: the success or error
    message the view put there."""
    text = response.text
    return "msg-success" in text, ("msg-error" in text or 'class="error"' in text)


class Jixiao(FastHttpUser):
    """A person at a browser. The client is locust's FastHttpUser (geventhttpclient): the same
    requests as the `requests`-based HttpUser, for less CPU (4.3 -> 3.1 ms a request, measured
    with the pages' parsing and locust's own start), which matters when locust shares the
    2-core server with what it measures (docs/performance.md)."""

    abstract = True
    wait_time = between(2, 8)
    pool = "filers"

    def on_start(self):
        self.account = next(POOLS[self.pool])
        if self.account is None:
            raise RuntimeError(f"no account for {self.pool}")
        username = self.account if isinstance(self.account, str) else self.account["username"]
        self.client.get("/login/", name="/login/")
        with self.client.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "username": username,
                "password": PLAN["password"],
                "next": "",
            },
            name="/login/ (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/login/" in response.url:
                response.failure(f"sign-in of {username} refused ({response.status_code})")
        LEDGER["signed_in"].append(time.time())

    def csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def page(self, url: str, name: str, expect: str = ""):
        """GET a page; a failure unless it answers 200 (or expected text is missing)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif "/login/" in response.url:
                response.failure("signed out")
            elif expect and expect not in response.text:
                response.failure(f"no {expect!r}")
            return response

    def transition(self, kind: str, pk: int, name: str, *, mine: bool, comment: str = ""):
        """POST the 办理 form of a document; the ledger keeps what the page acknowledged."""
        data = {"csrfmiddlewaretoken": self.csrf(), **transition_data(kind, name, comment)}
        url = f"{BASE[kind]}/{pk}/transition/"
        with self.client.post(
            url, data=data, name=f"{BASE[kind]}/[id]/transition/ {name}", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                LEDGER["unsure"] += 1
                return False
            done, refused = outcome(response)
            if done:
                LEDGER["transitions"].append((kind, pk, name))
            elif mine or not refused:
                response.failure("transition refused" if refused else "no outcome shown")
            return done

    def buttons(self, kind: str, pk: int) -> list[str]:
        response = self.page(f"{BASE[kind]}/{pk}/", f"{BASE[kind]}/[id]/")
        if response.status_code != 200:
            return []
        form = Forms(response.text).find(action=lambda a: a.endswith("/transition/"))
        return [
            value for name, value in (form or {"buttons": []})["buttons"] if name == "transition"
        ]


class Filer(Jixiao):
    weight = 14
    pool = "filers"

    def marker(self) -> str:
        return f"L{next(SERIAL)}"

    def save(self, kind: str, pk: int, field: str, then: str = "") -> bool:
        """Open the document's edit page, put a fresh marker into `field`, save."""
        response = self.page(f"{BASE[kind]}/{pk}/edit/", f"{BASE[kind]}/[id]/edit/")
        if response.status_code != 200 or "/edit/" not in response.url:
            return False  # not editable now (submitted, under review): the detail page it showed
        marker = self.marker()
        fields = edit_fields(response.text, kind, field, f"{MARK}{marker}〕", then)
        if fields is None:
            return False
        with self.client.post(
            f"{BASE[kind]}/{pk}/edit/",
            # a form's fields in order, names repeated (the indicator rows): encoded here, as
            # FastHttpUser encodes a mapping only
            data=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name=f"{BASE[kind]}/[id]/edit/ (POST{' ' + then if then else ''})",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
                LEDGER["unsure"] += 1
                return False
            done, refused = outcome(answer)
            if not done and then == "complete" and refused and "/edit/" in answer.url:
                # saved, but the completion was refused (e.g. lint): the save still counts
                done = "已保存" in answer.text
            if done:
                LEDGER["saves"].append((kind, pk, marker))
                if then == "complete" and "/edit/" not in answer.url:
                    LEDGER["transitions"].append((kind, pk, "complete"))
            else:
                answer.failure("save refused" if refused else "no outcome shown")
            return done

    @task(4)
    def target(self):
        if not self.account["targets"]:
            return self.browse()
        pk = random.choice(self.account["targets"])
        then = "complete" if random.random() < 0.4 else "save"
        if self.save("target", pk, "goal", then) and then == "complete":
            if "submit" in self.buttons("target", pk):
                self.transition("target", pk, "submit", mine=True)

    @task(4)
    def report(self):
        if not self.account["reports"]:
            return self.browse()
        pk = random.choice(self.account["reports"])
        if self.save("report", pk, "execution_note") and random.random() < 0.4:
            for name in ("complete", "submit"):
                if name in self.buttons("report", pk):
                    self.transition("report", pk, name, mine=True)

    @task(2)
    def browse(self):
        self.page("/targets/", "/targets/")
        self.page("/monitoring/reports/", "/monitoring/reports/")


class Reviewer(Jixiao):
    weight = 3
    pool = "reviewers"

    def review(self, kind: str, queue: str, passing: str) -> None:
        """Open a document of the queue; pass (or approve) it, or one time in five return it
        (the return button of the reviewer's step: return_first, return_final)."""
        response = self.page(queue, queue)
        ids = LINK[kind].findall(response.text) if response.status_code == 200 else []
        if not ids:
            return
        pk = int(random.choice(ids))
        buttons = self.buttons(kind, pk)
        returns = [b for b in buttons if b.startswith("return")]
        if passing in buttons and (random.random() < 0.8 or not returns):
            self.transition(kind, pk, passing, mine=False)
        elif returns:
            self.transition(kind, pk, returns[0], mine=False, comment=RETURN_REASON)

    @task(3)
    def targets(self):
        self.review("target", "/targets/queue/", "pass")

    @task(2)
    def reports(self):
        self.review("report", "/monitoring/reports/queue/", "pass")


class Budget(Reviewer):
    weight = 1
    pool = "budget"

    @task(3)
    def targets(self):
        self.review("target", "/targets/queue/", "approve")

    @task(1)
    def reports(self):
        self.page("/monitoring/reports/", "/monitoring/reports/")


class Office(Jixiao):
    weight = 2
    pool = "offices"

    @task(3)
    def dashboard(self):
        response = self.page("/dashboard/", "/dashboard/")
        topics = re.findall(r'href="(/dashboard/records/[a-z_-]+/)[^"]*"', response.text)
        if topics:
            self.page(random.choice(topics), "/dashboard/records/[topic]/")

    @task(1)
    def export(self):
        response = self.page("/dashboard/", "/dashboard/")
        topics = re.findall(r'href="(/dashboard/records/[a-z_-]+/)[^"]*"', response.text)
        if not topics:
            return
        listing = self.page(random.choice(topics), "/dashboard/records/[topic]/")
        links = re.findall(r'href="([^"]*(?:xlsx|format=)[^"]*)"', listing.text)
        if links:
            url = links[0].replace("&amp;", "&")
            with self.client.get(url, name="export", catch_response=True) as response:
                if response.status_code not in (200, 202):
                    response.failure(f"{response.status_code}")

    @task(1)
    def alerts(self):
        self.page("/alerts/", "/alerts/")


class Importer(Jixiao):
    fixed_count = 1
    pool = "importers"
    wait_time = constant_pacing(30)

    @task
    def payments(self):
        self.page("/payments/import/", "/payments/import/")
        with open(PLAN["payments_file"], "rb") as upload:
            with self.client.post(
                "/payments/import/",
                data={"csrfmiddlewaretoken": self.csrf()},
                files={"file": ("payments.csv", upload, "text/csv")},
                name="/payments/import/ (POST)",
                catch_response=True,
            ) as response:
                done, refused = outcome(response)
                if response.status_code not in (200, 202) or not done:
                    response.failure(f"{response.status_code}: import refused")
