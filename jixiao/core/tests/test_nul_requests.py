"""A NUL character in a page's query or form is refused with a Chinese 400 page, on every
database (PostgreSQL's text holds none: psycopg's refusal used to answer 500)."""

import pytest


@pytest.mark.parametrize("url", ["/projects/?q=%00", "/targets/?q=a%00b", "/units/?x%00=1"])
def test_a_nul_in_a_page_query_answers_a_chinese_400(client_for, url):
    response = client_for("budget").get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode() and "已拒绝" in response.content.decode()


def test_a_nul_in_a_posted_form_answers_400_and_changes_nothing(world, client_for):
    from jixiao.budgets.models import Project

    before = Project.objects.count()
    response = client_for("filer").post("/targets/declare/", {"name": "坏\x00名字"})
    assert response.status_code == 400
    assert Project.objects.count() == before


def test_an_ordinary_query_still_answers(client_for):
    assert client_for("budget").get("/projects/?q=学校").status_code == 200
