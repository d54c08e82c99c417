"""Suggestions from the indicator library for lint findings (issue 15: "a concrete fix, with a
suggestion from the indicator library where one fits").

A pure module (DESIGN.md, Pure rules). The library (the national 指标库 and the region's own
templates) comes in as `LibraryEntry` rows; the lint passes them on to the checks that can use
a better indicator: a missing subcategory (T06) or category (T07/T08), a vague value (T10), a
process measure in place of an output (T11). A suggestion fits when the entry sits under the
subcategory (or category) wanted and its name and sector share at least `MIN_SHARED` two-character
runs with what the finding is about (the indicator's name and the project's name), so a suggestion
is never a random row of the library.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from jixiao.core.rule_messages import Message

from .declaration import normalise_text

#: Two-character runs an entry must share with the finding's words to be suggested.
MIN_SHARED = 2


@dataclass(frozen=True)
class LibraryEntry:
    """One template of the indicator library, as the lint needs it."""

    category: str
    subcategory: str
    name: str
    value_hint: str = ""
    sector: str = ""

    @classmethod
    def from_data(cls, row) -> "LibraryEntry":
        """From a library.json row or a template object (anything with these attributes)."""
        get = row.get if isinstance(row, dict) else lambda k, d="": getattr(row, k, d)
        return cls(
            get("category", "") or "",
            get("subcategory", "") or "",
            get("name", "") or "",
            get("value_hint", "") or "",
            get("sector", "") or "",
        )


def _pairs(text: str) -> set[str]:
    norm = normalise_text(text)
    return {norm[k : k + 2] for k in range(len(norm) - 1)}


def suggest(
    library: Iterable[LibraryEntry], *, under: Iterable[str], about: Iterable[str]
) -> LibraryEntry | None:
    """The library entry under one of `under` (subcategory or category names) that shares most
    with the texts `about`, or None when none shares at least MIN_SHARED runs."""
    wanted = {normalise_text(u) for u in under if u}
    words = set().union(*(_pairs(t) for t in about if t))
    best, best_shared = None, MIN_SHARED - 1
    for entry in library:
        if not wanted & {normalise_text(entry.subcategory), normalise_text(entry.category)}:
            continue
        shared = len(words & (_pairs(entry.name) | _pairs(entry.sector)))
        if shared > best_shared:
            best, best_shared = entry, shared
    return best


def with_suggestion(message: str, entry: LibraryEntry | None) -> str:
    """`message` followed by "可参考指标库中的…" when there is an entry."""
    if entry is None:
        return message
    hint = Message("lint.suggestion.hint", value=entry.value_hint) if entry.value_hint else ""
    suggestion = Message("lint.suggestion", name=entry.name, where=entry.subcategory, hint=hint)
    return Message("lint.with_suggestion", message=message, suggestion=suggestion)
