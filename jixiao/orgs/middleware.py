"""The forced password change (DOMAIN.md §11): until an initial or expired password is changed,
the account reaches only the change page, logout and static files."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Pages and exports redirect to the change page; the API (session or token) answers 403
    with the reason. Service accounts have no password to expire (`User.password_change_reason`).

    Placed after the session and Bearer-token middleware, so it sees the signed-in user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._open(request.path):
            reason = user.password_change_reason()
            if reason:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": reason, "errors": []}, status=403)
                return redirect("password-change")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        if path in (reverse("password-change"), reverse("logout"), reverse("login")):
            return True
        return path.startswith((settings.STATIC_URL, "/i18n/"))
