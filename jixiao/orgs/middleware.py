"""What an account must do before anything else (DOMAIN.md §11): change an initial or expired
password, and enrol a second factor where the deployment requires one for its role."""

from functools import lru_cache

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse

from jixiao.core.middleware import PUBLIC_PATHS

from . import totp

OPEN_PAGES = ("password-change", "totp-enrol", "logout", "login", "login-code")


class AccountGateMiddleware:
    """Until then the account reaches only those pages, logout and static files: every other
    page and export redirects to the page to do it, and the API answers 403 with the reason.

    Service accounts have no password to expire (`User.password_change_reason`); an API token is
    a credential of its own, so the second factor is asked of browser sessions only. Placed after
    the session and Bearer-token middleware, so it sees the signed-in user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._open(request.path):
            page, reason = "password-change", user.password_change_reason()
            if not reason and getattr(request, "token_user", None) is None:
                page, reason = "totp-enrol", totp.enrolment_reason(user)
            if reason:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": reason, "errors": []}, status=403)
                return redirect(page)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        if path in _open_paths(get_script_prefix()):
            return True
        return path.startswith((settings.STATIC_URL, "/i18n/", *PUBLIC_PATHS))


@lru_cache(maxsize=8)
def _open_paths(script_prefix: str) -> frozenset[str]:
    """The open pages' paths, reversed once a process for each script prefix (the only thing
    they depend on: the URLs have no language prefix). Reversing the five names was a tenth of
    a millisecond on every signed-in request."""
    return frozenset(reverse(name) for name in OPEN_PAGES)
