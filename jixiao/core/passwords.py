"""Password policy (DOMAIN.md §11: 等保 2.0 expects complexity, expiry and lockout).

Every message is ours, in Chinese with its English in the catalogue: Django's own validators
answered in English where its catalogue lacks the sentence (the length rule). The rule that
needs the accounts' past passwords is `jixiao.orgs.passwords.PasswordHistoryValidator`.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")


class MinimumLengthValidator:
    """At least `min_length` characters."""

    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_help_text(), code="password_too_short")

    def get_help_text(self):
        return _("密码至少需要 %(n)s 个字符。") % {"n": self.min_length}


class CharacterClassValidator:
    """At least three of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern in CLASSES if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)s 类。") % {
            "n": self.min_classes
        }


class RepeatedCharacterValidator:
    """No character more than `max_run` times in a row (`aaaaaaaaa1!`), and at least
    `min_distinct` different characters (`Ab1!Ab1!Ab1!`)."""

    def __init__(self, max_run: int = 3, min_distinct: int = 6):
        self.max_run = max_run
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if re.search(rf"(.)\1{{{self.max_run},}}", password, flags=re.DOTALL):
            raise ValidationError(self.get_help_text(), code="password_repeated_characters")
        if len(set(password)) < self.min_distinct:
            raise ValidationError(self.get_help_text(), code="password_too_few_characters")

    def get_help_text(self):
        return _("同一字符不能连续出现 %(run)s 次或以上，且密码至少包含 %(n)s 个不同的字符。") % {
            "run": self.max_run + 1,
            "n": self.min_distinct,
        }


class UsernameValidator:
    """The account name may not appear in the password, whatever the case."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").casefold()
        if len(username) >= 3 and username in password.casefold():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含账号名。")
