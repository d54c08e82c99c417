"""Small figure helpers shared by the key-evaluation rule modules (pure: standard library and
pure modules only)."""

from collections.abc import Mapping
from decimal import Decimal

from jixiao.core.schema_read import read_decimal
from jixiao.evaluations.scoring import grade_for, round_half_up

__all__ = ["as_decimal", "fixed", "grade_for", "places", "plain", "percent", "round_half_up"]


def plain(number: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros (1.50 → 1.5)."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(share: Decimal) -> str:
    """0.2 → '20%'."""
    return f"{plain(share * 100)}%"


def places(rules: Mapping) -> Decimal:
    """The rounding step of the section (Decimal("0.01"))."""
    return Decimal(rules.get("places", "0.01"))


def fixed(number: Decimal | None, step: Decimal = Decimal("0.01")) -> str | None:
    """A score as the JSON contract writes it: rounded half up to `step`, as a string."""
    return None if number is None else f"{round_half_up(number, step):f}"


def as_decimal(value) -> Decimal:
    """A rulebook value or a caller's number as Decimal (raises ValueError if it is not one)."""
    number = read_decimal(value)
    if number is None:
        raise ValueError(value)
    return number
