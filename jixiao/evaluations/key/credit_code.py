"""The 统一社会信用代码 (unified social credit code, GB 32100-2015) of an agency.

A pure module (DESIGN.md, Pure rules). A code has 18 characters from 0-9 and the capital
letters without I, O, S, V and Z; the last is a check character: with each of the first 17
characters' values (0-9, A = 10 … Y = 30) multiplied by the weights 3^i mod 31
(1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), the check value is
31 − (sum mod 31), 31 counting as 0.
"""

from jixiao.core.rule_messages import Message

__all__ = ["ALPHABET", "WEIGHTS", "check_character", "check_credit_code", "normalise_credit_code"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def normalise_credit_code(code: str) -> str:
    """The code as stored: spaces removed, full-width forms and small letters made plain."""
    text = "".join(str(code or "").split())
    return "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text).upper()


def check_character(first17: str) -> str:
    """The check character of the first 17 characters (all from ALPHABET)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str) -> str | None:
    """Why `code` is not a valid 统一社会信用代码 (a Chinese sentence), or None when it is.
    Small letters and spaces are accepted (see `normalise_credit_code`)."""
    text = normalise_credit_code(code)
    if not text:
        return Message("key.credit.empty")
    if len(text) != LENGTH:
        return Message("key.credit.length", code=text, n=len(text))
    bad = [c for c in text if c not in ALPHABET]
    if bad:
        return Message("key.credit.characters", code=text, chars="".join(dict.fromkeys(bad)))
    wanted = check_character(text[:17])
    if text[17] != wanted:
        return Message("key.credit.check", code=text, got=text[17], wanted=wanted)
    return None
