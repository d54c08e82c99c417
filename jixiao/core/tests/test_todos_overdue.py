"""A to-do past its deadline is late already: it counts as urgent, comes first, and its row on
the home page and the unit's dashboard says 已逾期."""

import datetime as dt

import pytest

from jixiao.core import navigation
from jixiao.core.navigation import Todo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def providers(monkeypatch):
    """The to-do providers of one test: a list it fills, in place of every stage's."""
    found: list = []
    monkeypatch.setattr(navigation, "_TODO_PROVIDERS", [lambda user, region, year: found])
    return found


def test_a_todo_past_its_deadline_is_overdue_urgent_and_first(providers):
    providers += [
        Todo("明天截止", "/a/", deadline=TODAY + dt.timedelta(days=1)),
        Todo("无截止日期", "/b/"),
        Todo("昨天截止", "/c/", deadline=TODAY - dt.timedelta(days=1)),
        Todo("今天截止", "/d/", deadline=TODAY),
    ]
    todos = navigation.todos_for(None, None, 2022, today=TODAY)
    assert [t.title for t in todos] == ["昨天截止", "今天截止", "明天截止", "无截止日期"]
    assert [(t.urgent, t.overdue) for t in todos] == [
        (True, True),
        (False, False),
        (False, False),
        (False, False),
    ]


def test_a_deadline_given_as_a_time_is_compared_by_its_day(providers):
    providers += [
        Todo("昨晚", "/a/", deadline=dt.datetime(2026, 12, 6, 23, 0)),
        Todo("今晚", "/b/", deadline=dt.datetime(2026, 12, 7, 23, 0)),
    ]
    todos = {t.title: t.overdue for t in navigation.todos_for(None, None, 2022, today=TODAY)}
    assert todos == {"昨晚": True, "今晚": False}


@pytest.mark.parametrize("path", ["/", "/dashboard/unit/"])
def test_the_overdue_row_says_so_on_the_pages_with_todos(providers, client_for, path):
    providers += [
        Todo("逾期的报告", "/late/", deadline=dt.date(2022, 7, 15)),
        Todo("下月的报告", "/soon/", deadline=dt.date(2099, 1, 1)),
    ]
    page = client_for("filer").get(path).content.decode()
    late_row = page[page.index('href="/late/"') : page.index("</tr>", page.index('href="/late/"'))]
    soon_row = page[page.index('href="/soon/"') : page.index("</tr>", page.index('href="/soon/"'))]
    assert "已逾期" in late_row and "已逾期" not in soon_row
    assert page.index('href="/late/"') < page.index('href="/soon/"')
