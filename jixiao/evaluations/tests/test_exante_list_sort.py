"""The ex-ante assessment list sorts by its columns (core/sorting.py): the amount asked for and
the score both ways with an empty value last, the default order kept, scope unchanged, and as
many queries with more rows."""

from decimal import Decimal

import pytest

from jixiao.evaluations.key.models import ExAnteAssessment
from jixiao.evaluations.key.services import panel_create
from jixiao.testing import listed_ids, page_queries

from .test_key_api import INDICATORS

pytestmark = pytest.mark.django_db

URL = "/ex-ante/?sort="


def requested(world, *amounts_and_scores) -> list[int]:
    return [
        ExAnteAssessment.objects.create(
            region=world.region,
            year=2022,
            unit=world.units["U1"],
            project=world.projects["P1"],
            subject=f"事前评估排序{i}",
            amount=None if amount is None else Decimal(amount),
            score=None if score is None else Decimal(score),
            panel=panel_create(INDICATORS),
        ).pk
        for i, (amount, score) in enumerate(amounts_and_scores)
    ]


def test_the_exante_assessments_sort_by_amount_and_score_both_ways(world, client_for):
    first, second, third = requested(world, ("800", None), (None, "91.5"), ("120.5", "78"))
    client = client_for("performance")
    assert listed_ids(client, URL + "amount", "/ex-ante/") == [third, first, second]
    assert listed_ids(client, URL + "-amount", "/ex-ante/") == [first, third, second]
    assert listed_ids(client, URL + "score", "/ex-ante/") == [third, second, first]
    assert listed_ids(client, URL + "-score", "/ex-ante/") == [second, third, first]
    assert listed_ids(client, "/ex-ante/", "/ex-ante/") == [first, second, third]
    assert listed_ids(client_for("other"), URL + "-amount", "/ex-ante/") == []
    page = client.get(URL + "-score").content.decode()
    assert 'aria-sort="descending"' in page and 'name="sort" value="-score"' in page


def test_the_sorted_exante_list_reads_as_often_with_more_assessments(world, client_for):
    client = client_for("performance")
    requested(world, ("80", "70"), ("90", None))
    urls = (URL + "-amount", URL + "unit", URL + "status")
    client.get(urls[0])
    few = [page_queries(client, url) for url in urls]
    requested(world, ("60", "88"), (None, None), ("10", "99"))
    assert [page_queries(client, url) for url in urls] == few
