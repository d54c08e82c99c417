"""The left menu is drawn once a process for each role set and language (jixiao/core/context.py,
issue 16 part 5) and still marks the page one is on."""

import re

import pytest

from jixiao.core import context

pytestmark = pytest.mark.django_db


def _menu(page: str) -> str:
    found = re.search(r'<aside class="sidemenu" id="sidemenu">(.*?)</aside>', page, re.S)
    assert found, "the page has no left menu"
    return found.group(1)


def test_the_menu_marks_the_page_one_is_on_and_no_other(world, client_for):
    client = client_for("filer")
    for path in ("/targets/", "/monitoring/reports/"):
        menu = _menu(client.get(path).content.decode())
        assert re.findall(r'<a href="([^"]+)" aria-current="page">', menu) == [path]


def test_each_role_gets_its_own_menu_from_the_drawn_ones(world, client_for):
    filer = _menu(client_for("filer").get("/targets/").content.decode())
    admin = _menu(client_for("admin").get("/").content.decode())
    assert 'href="/targets/"' in filer and 'href="/accounts/"' not in filer
    assert 'href="/accounts/"' in admin
    # Drawn again for the filer after the admin's: the same menu, not the admin's.
    assert _menu(client_for("filer").get("/targets/").content.decode()) == filer


def test_the_menu_follows_the_language(world, client_for):
    client = client_for("filer")
    chinese = _menu(client.get("/targets/").content.decode())
    client.post("/i18n/setlang/", {"language": "en", "next": "/targets/"})
    english = _menu(client.get("/targets/").content.decode())
    assert "绩效目标" in chinese
    assert english != chinese and "绩效目标" not in english


def test_a_drawn_menu_reads_nothing_and_reverses_no_link(world, client_for, monkeypatch):
    client = client_for("filer")
    client.get("/targets/")

    def refuse(*_args, **_kwargs):
        raise AssertionError("the menu was drawn again")

    monkeypatch.setattr(context, "render_to_string", refuse)
    assert client.get("/monitoring/reports/").status_code == 200
