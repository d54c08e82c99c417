"""Scope of the key-evaluation pages: an expert or agency not assigned, another unit's filer and
a user of another region get a 404 on every page of an evaluation, GET and POST alike, and
nothing changes; an assigned expert reaches only the scoring page and the evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jixiao.core.attachments import attachments_of
from jixiao.evaluations.key.models import DataRequest, Finding, KeyStatus, SiteVisit

from .test_key_work import login, make_evaluation, make_user, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(world):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    row = DataRequest.objects.create(evaluation=evaluation, item="合同", due=dt.date(2030, 1, 1))
    upload(world.filer, row, "合同.pdf", b"%PDF-1.4 contract")
    SiteVisit.objects.create(
        evaluation=evaluation,
        visited_on=dt.date(2022, 6, 1),
        place="城北",
        people="张",
        checked="工程",
    )
    Finding.objects.create(evaluation=evaluation, level1="过程", problem="拨付滞后")
    return evaluation


def pages(evaluation) -> list[tuple[str, str]]:
    """(method, url) of every page and action of the evaluation."""
    pk = evaluation.pk
    row = evaluation.data_requests.get()
    visit = evaluation.site_visits.get()
    finding = evaluation.findings.get()
    file = attachments_of(row).get()
    indicator = evaluation.panel.indicators.first()
    return [
        ("get", reverse("key-detail", args=[pk])),
        ("get", reverse("key-score", args=[pk])),
        ("post", reverse("key-score", args=[pk])),
        ("post", reverse("key-transition", args=[pk])),
        ("get", reverse("key-work-plan", args=[pk])),
        ("get", reverse("key-framework", args=[pk])),
        ("get", reverse("key-request-new", args=[pk])),
        ("get", reverse("key-request-answer", args=[pk, row.pk])),
        ("post", reverse("key-request-answer", args=[pk, row.pk])),
        ("post", reverse("key-request-upload", args=[pk, row.pk])),
        ("post", reverse("key-request-remind", args=[pk, row.pk])),
        ("get", reverse("key-file", args=[pk, file.pk])),
        ("get", reverse("key-finding-new", args=[pk])),
        ("post", reverse("key-finding-status", args=[pk, finding.pk])),
        ("get", reverse("key-response", args=[pk])),
        ("post", reverse("key-response", args=[pk])),
        ("get", reverse("visit-new", args=[pk])),
        ("post", reverse("visit-new", args=[pk])),
        ("get", reverse("key-visit", args=[pk, visit.pk])),
        ("post", reverse("panel-agree", args=[evaluation.panel.pk, indicator.pk])),
    ]


@pytest.mark.parametrize("who", ["expert_elsewhere", "agency_elsewhere", "other", "other_region"])
def test_every_page_is_404_outside_the_users_scope(world, evaluation, who):
    if who == "expert_elsewhere":
        user = make_user(world, "expert_elsewhere", ["expert"])
    elif who == "agency_elsewhere":
        user = make_user(world, "agency_elsewhere", ["agency"])
    else:
        user = world.users[who]
    client = login(user)
    for method, url in pages(evaluation):
        response = getattr(client, method)(url, {"status": "closed", "text": "x"})
        assert response.status_code == 404, (who, method, url, response.status_code)
    finding = evaluation.findings.get()
    assert finding.status == "open"
    assert evaluation.data_requests.get().reminded_at is None


def test_an_assigned_expert_reaches_only_scoring_and_evidence(world, evaluation):
    client = login(world.expert)
    allowed = {
        reverse("key-score", args=[evaluation.pk]),
        reverse("key-visit", args=[evaluation.pk, evaluation.site_visits.get().pk]),
        reverse(
            "key-file",
            args=[evaluation.pk, attachments_of(evaluation.data_requests.get()).get().pk],
        ),
    }
    for method, url in pages(evaluation):
        if method != "get":
            continue
        response = client.get(url)
        if url in allowed:
            assert response.status_code == 200, url
        elif url == reverse("key-detail", args=[evaluation.pk]):
            assert response.status_code == 302 and response.url == reverse(
                "key-score", args=[evaluation.pk]
            )
        else:
            assert response.status_code == 404, url
    # the list links an expert to the scoring page
    assert (
        reverse("key-score", args=[evaluation.pk])
        in client.get(reverse("key-list")).content.decode()
    )


def test_the_unit_does_not_reach_a_planned_evaluation_but_reaches_it_once_notified(world):
    evaluation = make_evaluation(world)
    url = reverse("key-detail", args=[evaluation.pk])
    assert login(world.filer).get(url).status_code == 404
    evaluation.status = KeyStatus.NOTIFIED
    evaluation.save(update_fields=["status"])
    assert login(world.filer).get(url).status_code == 200
    assert login(world.other).get(url).status_code == 404


def test_a_file_of_another_evaluation_is_404_through_this_one(world, evaluation):
    second = make_evaluation(world, status=KeyStatus.FIELDWORK, experts=0)
    file = attachments_of(evaluation.data_requests.get()).get()
    response = login(world.performance).get(reverse("key-file", args=[second.pk, file.pk]))
    assert response.status_code == 404
