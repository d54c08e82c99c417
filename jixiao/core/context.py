"""Context processors of every signed-in page: the left menu, the idle limit."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import navigation

#: The left menu drawn, by (roles, language, script prefix). Its entries register when the
#: apps start and their links never change while the process runs, so the HTML depends on
#: nothing else: reversing and drawing its 20–30 links on every page cost about 1.2 ms of
#: CPU, two thirds of the base layout. Bounded by the few role sets and languages in use.
_DRAWN: dict[tuple[frozenset[str], str, str], str] = {}
_MOST = 500


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "sidemenu": sidemenu(user, request.path),
        # page.js warns before the session-timeout middleware ends an idle session
        "idle_seconds": settings.JIXIAO_SESSION_IDLE_SECONDS,
    }


def sidemenu(user, path: str) -> str:
    """The left menu's HTML for this user, the entry of `path` marked as the current page."""
    key = (user.role_set, get_language() or "", get_script_prefix())
    html = _DRAWN.get(key)
    if html is None:
        if len(_DRAWN) >= _MOST:
            _DRAWN.clear()
        groups = navigation.menu_for(user)
        html = render_to_string("core/_sidemenu.html", {"menu_groups": groups})
        _DRAWN[key] = html
    link = f'<a href="{escape(path)}">'
    return mark_safe(html.replace(link, f'{link[:-1]} aria-current="page">'))
