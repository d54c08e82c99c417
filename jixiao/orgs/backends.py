"""The authentication backend (settings.AUTHENTICATION_BACKENDS): Django's ModelBackend, whose
per-request read of the signed-in user runs SQL compiled once a process.

`get_user` runs on every request (`request.user`); through the ORM its building cost more CPU
than the query. The row is still read on every request, so a deactivated account or a changed
password (the session's hash no longer matches) ends the session at its next request, in
every worker.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import router

from jixiao.core.compiled import KeyedQuery

from .models import User

_BY_PK = KeyedQuery(lambda pk: User._default_manager.filter(pk=pk).order_by()[:1], 0)


class UserBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            # A refused password ends the sign-in here: ModelBackend, listed after this one
            # only so that sessions signed in before keep their user, would check it again.
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _BY_PK.first(pk, using=router.db_for_read(User))
        return user if user is not None and self.user_can_authenticate(user) else None
