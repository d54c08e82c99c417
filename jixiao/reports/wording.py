"""How the bureau's documents write figures: section numerals, money in 万元, rates as
percentages and percentage points, dates (the customer's 2021 summary, shared/reference)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def chinese_figure(value) -> str:
    """A money figure as the summary writes it: 万元 with two decimals, no thousands separator
    (Decimal("64286.405") → "64286.41")."""
    return f"{Decimal(value or 0).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def percent(fraction) -> str:
    """A rate (a fraction) as a percentage, two decimals at most, no trailing zeros:
    1 → "100%", 0.85 → "85%", 0.4954 → "49.54%"; None → "—"."""
    if fraction is None:
        return "—"
    value = (Decimal(fraction) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:f}".rstrip("0").rstrip(".") + "%"


def points(fraction) -> str:
    """A difference of two rates in percentage points: 0.0854 → "8.54"."""
    value = (abs(Decimal(fraction)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value:f}"


def chinese_date(day: datetime.date) -> str:
    """2022-01-17 → 2022年1月17日 (as the signature of the 2021 summary)."""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}
