"""The self-evaluation list and queue, and the whole-unit evaluation list, sort by their
columns (core/sorting.py): the scores both ways, an empty score last, scope unchanged."""

import re
from decimal import Decimal

from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
from jixiao.testing import listed_ids
from jixiao.testing_pages import _selfeval, _unit_evaluation

TOTALS = {0: ("90.5", None), 1: ("61", "75"), 2: (None, "88.25")}  # i → (total, reviewed)


def made(world) -> list[int]:
    ids = []
    for i, (total, reviewed) in TOTALS.items():
        selfeval = _selfeval(world, i)
        SelfEvaluation.objects.filter(pk=selfeval.pk).update(
            total=total and Decimal(total), reviewed_total=reviewed and Decimal(reviewed)
        )
        ids.append(selfeval.pk)
    return ids


def test_the_self_evaluations_sort_by_score_both_ways(world, client_for):
    first, second, third = made(world)
    client = client_for("performance")
    assert listed_ids(client, "/evaluations/?sort=total", "/evaluations/") == [second, first, third]
    assert listed_ids(client, "/evaluations/?sort=-total", "/evaluations/") == [
        first,
        second,
        third,
    ]
    reviewed = listed_ids(client, "/evaluations/?sort=-reviewed_total", "/evaluations/")
    assert reviewed == [third, second, first]
    assert listed_ids(client, "/evaluations/?sort=-project", "/evaluations/") == [
        third,
        second,
        first,
    ]
    assert listed_ids(client, "/evaluations/?sort=x'--", "/evaluations/") == [first, second, third]
    assert listed_ids(client_for("other"), "/evaluations/?sort=-total", "/evaluations/") == []


def test_the_queue_sorts_by_score(world, client_for):
    first, second, third = made(world)
    client = client_for("business")  # the three wait for BIZ1 (unit U1)
    assert listed_ids(client, "/evaluations/queue/?sort=-total", "/evaluations/") == [
        first,
        second,
        third,
    ]
    page = client.get("/evaluations/queue/?sort=-total").content.decode()
    assert page.count('aria-sort="descending"') == 1


def listed_units(client, url: str) -> list[int]:
    """The units whose whole-unit evaluations a list shows, top to bottom."""
    response = client.get(url)
    assert response.status_code == 200, url
    return [int(i) for i in re.findall(r'href="/unit-evaluations/(\d+)/\d+/"', response.text)]


def test_the_whole_unit_evaluations_sort_by_score_both_ways(world, client_for):
    made = [_unit_evaluation(world, i) for i in range(3)]
    for evaluation, total in zip(made, ("82.5", None, "91"), strict=True):
        UnitEvaluation.objects.filter(pk=evaluation.pk).update(total=total and Decimal(total))
    first, second, third = (e.unit_id for e in made)
    client = client_for("performance")
    url = "/unit-evaluations/?sort="
    assert listed_units(client, url + "-total") == [third, first, second]
    assert listed_units(client, url + "total") == [first, third, second]
    assert listed_units(client, url + "-unit") == [third, second, first]
    assert listed_units(client, "/unit-evaluations/") == [first, second, third]
    assert 'aria-sort="descending"' in client.get(url + "-total").text
    assert not {first, second, third} & set(listed_units(client_for("other"), url + "-total"))


# i → (grade by the rules, reviewed grade): shown 良, 优 (the reviewer's), 差, none, 中
GRADED = {0: ("良", ""), 1: ("中", "优"), 2: ("差", ""), 3: ("", ""), 4: ("优", "中")}


def test_the_self_evaluations_sort_by_the_grade_shown_best_first_and_none_last(world, client_for):
    ids = []
    for i, (grade, reviewed) in GRADED.items():
        selfeval = _selfeval(world, i)
        SelfEvaluation.objects.filter(pk=selfeval.pk).update(grade=grade, reviewed_grade=reviewed)
        ids.append(selfeval.pk)
    good, best, poor, none, fair = ids
    client = client_for("performance")
    url = "/evaluations/?sort="
    assert listed_ids(client, url + "-grade", "/evaluations/") == [best, good, fair, poor, none]
    assert listed_ids(client, url + "grade", "/evaluations/") == [poor, fair, good, best, none]
    page = client.get("/evaluations/").content.decode()
    assert 'href="/evaluations/?sort=-grade"' in page  # the first click: 优 first
    assert listed_ids(client_for("other"), url + "-grade", "/evaluations/") == []


def test_the_whole_unit_evaluations_sort_by_grade(world, client_for):
    made = [_unit_evaluation(world, i) for i in range(3)]
    for evaluation, grade in zip(made, ("中", "", "优"), strict=True):
        UnitEvaluation.objects.filter(pk=evaluation.pk).update(grade=grade)
    fair, none, best = (e.unit_id for e in made)
    client = client_for("performance")
    assert listed_units(client, "/unit-evaluations/?sort=-grade") == [best, fair, none]
    assert listed_units(client, "/unit-evaluations/?sort=grade") == [fair, best, none]
