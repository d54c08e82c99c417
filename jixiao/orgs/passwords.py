"""The password rule that reads the accounts' past passwords (the others are model-free, in
`jixiao.core.passwords`)."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import PasswordHistory


class PasswordHistoryValidator:
    """None of the account's last `keep` passwords (the current one among them) again.

    The hashes are kept in `orgs.PasswordHistory`: Django calls `password_changed` whenever a
    user is saved with a new password, and only the last `keep` hashes stay.
    """

    def __init__(self, keep: int = 5):
        self.keep = keep

    def _recent(self, user) -> list[str]:
        hashes = [user.password] if user.password and user.has_usable_password() else []
        if user.pk:
            hashes += PasswordHistory.objects.filter(user_id=user.pk).values_list(
                "password", flat=True
            )[: self.keep]
        return list(dict.fromkeys(hashes))[: self.keep]

    def validate(self, password, user=None):
        if user is None:
            return
        if any(check_password(password, encoded) for encoded in self._recent(user)):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or not user.pk or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).values_list("id", flat=True)
        PasswordHistory.objects.filter(id__in=list(stale[self.keep :])).delete()

    def get_help_text(self):
        return _("不能使用最近 %(n)s 次用过的密码。") % {"n": self.keep}
