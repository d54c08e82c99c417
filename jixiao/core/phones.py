"""A telephone number as an office writes it: 0791-86123456, 13800138000, (0791)8612 3456转8012,
+86 138 0013 8000. Checked only for what makes it unusable: letters or stray signs, or too few
or too many digits to dial."""

import re

from django.utils.translation import gettext as _

#: What may stand between the digits: spaces, hyphens, the country's plus, brackets (half and
#: full width), 转 or 分机 before an extension, and a comma, slash or 、 between two numbers.
_SEPARATORS = re.compile(r"[\s\-－+＋()（）/、,，]|转|分机")
MIN_DIGITS, MAX_DIGITS = 7, 24
#: 转 or 分机 and the extension's digits after it (none: the extension was left out).
_EXTENSION = re.compile(r"(转|分机)\s*([0-9０-９]*)")


def phone_refusal(text: str) -> str | None:
    """Why `text` is not a telephone number, in Chinese, quoting what cannot be read; None when
    it is one or is empty (the fields are optional)."""
    text = (text or "").strip()
    if not text:
        return None
    rest = _SEPARATORS.sub("", text)
    stray = re.sub(r"[0-9０-９]", "", rest)
    if stray:
        return _("联系电话“%(t)s”中有不能识别的字符“%(c)s”：只写数字，分机号前可写“转”。") % {
            "t": text,
            "c": stray[:10],
        }
    for mark in _EXTENSION.finditer(text):
        if not mark.group(2):
            return _("联系电话“%(t)s”的“%(m)s”后面没有分机号：写上分机号，或去掉“%(m)s”。") % {
                "t": text,
                "m": mark.group(1),
            }
    if not MIN_DIGITS <= len(rest) <= MAX_DIGITS:
        return _("联系电话“%(t)s”的位数不对：固定电话含区号至少 7 位，手机号 11 位。") % {"t": text}
    return None
