"""The generic page tests: every page declared in `jixiao.testing_pages.PAGES` opens for its
owner, is 404 for a user of another unit, sends an anonymous visitor to the login page (401 from
the API), and lists in a number of queries that does not grow with the rows. A page is added by
declaring it there, not here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jixiao.testing_pages import PAGES

FEW, MORE = 2, 3  # a list with FEW rows, then with FEW + MORE


def cases(*kinds: str) -> list:
    """(page, URL template) for each declared URL of these kinds ("detail", "list" … "more",
    "sorted_lists")."""
    return [
        pytest.param(page, url, id=f"{page.name} {url}")
        for page in PAGES
        for kind in kinds
        for url in (
            getattr(page, kind) if kind in ("more", "sorted_lists") else [getattr(page, kind)]
        )
        if url
    ]


OBJECT_URLS = ("detail", "more", "api")
LIST_URLS = ("list", "export", "api_list", "sorted_lists")


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def listed(response, url: str, obj, page) -> bool:
    """Whether the list answered at `url` shows `obj`: by id in the API, by its link on a page."""
    if is_api(url):
        return obj.pk in {item["id"] for item in response.json()["items"]}
    return page.detail.format(obj=obj) in response.content.decode()


@pytest.mark.parametrize(("page", "url"), cases(*OBJECT_URLS, *LIST_URLS))
def test_owner_opens_the_page(world, client_for, page, url):
    obj = page.make(world, 0)
    response = client_for(page.owner).get(url.format(obj=obj))
    assert response.status_code == 200


@pytest.mark.parametrize(("page", "url"), cases("list", "api_list"))
def test_owner_finds_the_object_in_the_list(world, client_for, page, url):
    obj = page.make(world, 0)
    response = client_for(page.owner).get(url)
    assert response.status_code == 200 and listed(response, url, obj, page)


@pytest.mark.parametrize(("page", "url"), cases(*OBJECT_URLS))
def test_user_of_another_unit_gets_404(world, client_for, page, url):
    obj = page.make(world, 0)
    response = client_for(page.stranger).get(url.format(obj=obj))
    assert response.status_code == 404


@pytest.mark.parametrize(("page", "url"), cases("list", "api_list"))
def test_user_of_another_unit_does_not_find_the_object_in_the_list(world, client_for, page, url):
    obj = page.make(world, 0)
    response = client_for(page.stranger).get(url)
    assert response.status_code == 200 and not listed(response, url, obj, page)


@pytest.mark.parametrize(("page", "url"), cases(*OBJECT_URLS, *LIST_URLS))
def test_anonymous_gets_the_login_page_or_401(world, page, url):
    obj = page.make(world, 0)
    response = Client().get(url.format(obj=obj))
    if is_api(url):
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/login/" in response["Location"]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(("page", "url"), cases(*LIST_URLS))
def test_list_queries_do_not_grow_with_the_rows(world, client_for, page, url):
    client = client_for(page.owner)
    for i in range(FEW):
        page.make(world, i)
    client.get(url)  # caches warmed (rulebook, content types, the work context)
    few = count_queries(client, url)
    for i in range(FEW, FEW + MORE):
        page.make(world, i)
    client.get(url)  # warmed again after the new rows, as above
    many = count_queries(client, url)
    assert many == few, f"{few} queries with {FEW} rows, {many} with {FEW + MORE}"
