"""The client's address as the whole site reads it (the middleware, the audit log, the rate
limits), kept apart from the middleware so that what the middleware calls can use it too."""

from django.conf import settings


def client_ip(request) -> str | None:
    # Behind the reverse proxy of README's deployment section, REMOTE_ADDR is the proxy;
    # the proxy sets X-Real-IP, which we trust only when told to.
    if getattr(settings, "JIXIAO_TRUST_X_REAL_IP", False):
        return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
    return request.META.get("REMOTE_ADDR")
