"""The key evaluation list and queue sort by their columns (core/sorting.py): the score both
ways with an empty score last, scope unchanged, and as many queries with more rows."""

from decimal import Decimal

import pytest

from jixiao.evaluations.key.models import KeyEvaluation
from jixiao.testing import listed_ids, page_queries

from .test_key_work import make_evaluation

pytestmark = pytest.mark.django_db


def scored(world, *scores) -> list[int]:
    ids = []
    for score in scores:
        evaluation = make_evaluation(world, experts=0)
        KeyEvaluation.objects.filter(pk=evaluation.pk).update(
            score=None if score is None else Decimal(score)
        )
        ids.append(evaluation.pk)
    return ids


def test_the_key_evaluations_sort_by_score_both_ways(world, client_for):
    first, second, third = scored(world, "88.5", None, "72")
    client = client_for("performance")
    url = "/key-evaluations/?sort="
    assert listed_ids(client, url + "score", "/key-evaluations/") == [third, first, second]
    assert listed_ids(client, url + "-score", "/key-evaluations/") == [first, third, second]
    assert listed_ids(client, url + "score;--", "/key-evaluations/") == [first, second, third]
    assert listed_ids(client_for("other"), url + "-score", "/key-evaluations/") == []
    page = client.get(url + "-score").content.decode()
    assert 'aria-sort="descending"' in page and 'name="sort" value="-score"' in page


def test_the_sorted_list_and_queue_read_as_often_with_more_evaluations(world, client_for):
    client = client_for("performance")
    scored(world, "80", "70")
    urls = (
        "/key-evaluations/?sort=-score",
        "/key-evaluations/?sort=agency",
        "/key-evaluations/queue/?sort=unit",
    )
    client.get(urls[0])
    few = [page_queries(client, url) for url in urls]
    scored(world, "60", None, "90")
    assert [page_queries(client, url) for url in urls] == few


def test_the_key_evaluations_sort_by_grade_best_first(world, client_for):
    ids = scored(world, None, None, None)
    for pk, grade in zip(ids, ("良", "", "优"), strict=True):
        KeyEvaluation.objects.filter(pk=pk).update(grade=grade)
    good, none, best = ids
    client = client_for("performance")
    url = "/key-evaluations/?sort="
    assert listed_ids(client, url + "-grade", "/key-evaluations/") == [best, good, none]
    assert listed_ids(client, url + "grade", "/key-evaluations/") == [good, best, none]
    assert listed_ids(client_for("other"), url + "-grade", "/key-evaluations/") == []
    api = client.get("/api/v1/key-evaluations?sort=-grade")
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["items"]][:3] == [best, good, none]
