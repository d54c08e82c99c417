"""Every link of the left menu opens its page for the person it is drawn for: a menu entry whose
page refuses its reader (403) or finds nothing to show (404) is a dead end in the product."""

import re

import pytest

from jixiao.orgs.models import User
from jixiao.testing import PERSONAS

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<aside class="sidemenu" id="sidemenu">(.*?)</aside>', re.S)


def _menu_links(client) -> list[str]:
    page = client.get("/")
    assert page.status_code == 200
    found = MENU.search(page.content.decode())
    assert found, "the home page has no left menu"
    return re.findall(r'<a href="(/[^"]*)"', found.group(1))


def _dead_links(client) -> list[tuple[str, int]]:
    answers = ((link, client.get(link).status_code) for link in _menu_links(client))
    return [(link, status) for link, status in answers if status != 200]


@pytest.mark.parametrize("username", sorted(set(PERSONAS) - {"public"}))
def test_every_menu_link_of_a_persona_opens_its_page(world, client_for, username):
    assert _dead_links(client_for(username)) == []


def test_a_system_admin_without_a_region_has_no_link_to_a_region_page(world, client):
    # as `jixiao demo` makes it: accounts only, no work region
    admin = User.objects.create_user("admin-no-region", roles=["admin"], region=None)
    admin.password_changed_at = world.users["admin"].password_changed_at
    admin.save()
    client.force_login(admin)
    links = _menu_links(client)
    assert "/accounts/" in links
    assert "/policies/" not in links
    assert _dead_links(client) == []
