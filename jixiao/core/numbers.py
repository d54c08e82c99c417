"""A number as a person types it into a form field (an amount, a weight, a score).

Full-width digits, points and commas, which a Chinese input method gives, read as their ASCII
forms (NFKC). A comma is taken only as a thousands separator, between groups of three digits
("1,234.5"): "12,5" (a decimal comma) is refused rather than read as 125, a lost decimal that
no one would see until the execution rate came out ten times too high.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_PLAIN = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")


def is_plain_number(text: str) -> bool:
    """Digits with an optional sign and decimal point, nothing else ("12.5", "-.5")."""
    return bool(_PLAIN.fullmatch(text))


def typed_decimal(raw: object) -> Decimal | None:
    """`raw` as a Decimal; None when it is blank. ValueError when it is not a plain number
    (words, a unit, a percent sign, a decimal comma, an exponent, infinity)."""
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    if not text:
        return None
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise ValueError(text)
        text = text.replace(",", "")
    if not _PLAIN.fullmatch(text):
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise ValueError(text) from None


def decimal_places(value: Decimal) -> int:
    """The places after the point that `value` needs: "1.50" needs one, "12" and "1E+2" none.
    A form refuses a figure that needs more than its field keeps, rather than round it unseen
    (a weight of 9.999 stored as 10.00)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
