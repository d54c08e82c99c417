"""The survey list sorts by its columns (core/sorting.py): the count of answers and the closing
time both ways, an empty time last, the default newest first, scope unchanged, and as many
queries sorted with more surveys."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jixiao.surveys.models import Survey
from jixiao.surveys.tests.test_list_queries import add_surveys, page_client
from jixiao.surveys.tests.test_results import answer, make_survey
from jixiao.testing import listed_ids, page_queries

pytestmark = pytest.mark.django_db

URL = "/surveys/?sort="


def test_the_surveys_sort_by_answers_and_closing_time_both_ways(world, client_for):
    first, second, third = (make_survey(world) for _ in range(3))
    for survey, answers in ((first, 2), (second, 5), (third, 0)):
        for _ in range(answers):
            answer(survey, group="教师", level="满意")
    closes = timezone.make_aware(datetime.datetime(2022, 9, 1, 12))
    Survey.objects.filter(pk=first.pk).update(closes_at=closes)
    Survey.objects.filter(pk=third.pk).update(closes_at=closes - datetime.timedelta(days=1))
    first, second, third = first.pk, second.pk, third.pk
    client = page_client(client_for)
    assert listed_ids(client, URL + "-answers", "/surveys/") == [second, first, third]
    assert listed_ids(client, URL + "answers", "/surveys/") == [third, first, second]
    assert listed_ids(client, URL + "closes", "/surveys/") == [third, first, second]
    assert listed_ids(client, URL + "-closes", "/surveys/") == [first, third, second]
    assert listed_ids(client, "/surveys/", "/surveys/") == [third, second, first]
    page = client.get(URL + "-answers").content.decode()
    assert 'aria-sort="descending"' in page and 'name="sort" value="-answers"' in page
    assert listed_ids(client_for("other"), URL + "-answers", "/surveys/") == []


def test_the_sorted_survey_list_reads_as_often_with_more_surveys(world, client_for):
    add_surveys(world, 2)
    client = page_client(client_for)
    urls = (URL + "-answers", URL + "closes", URL + "-target")
    client.get(urls[0])
    few = [page_queries(client, url) for url in urls]
    add_surveys(world, 6, start=2)
    assert [page_queries(client, url) for url in urls] == few
