"""Suggestions from the indicator library for lint findings (every message gives "a
concrete fix, with a suggestion from the indicator library where one fits").

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
from functools import lru_cache

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


@lru_cache(maxsize=16_384)
def _norm(text: str) -> str:
    return normalise_text(text)


@lru_cache(maxsize=16_384)
def _pairs(text: str) -> frozenset[str]:
    """Two-character runs of a text, once per text: the library's names recur in every lint."""
    norm = _norm(text)
    return frozenset(norm[k : k + 2] for k in range(len(norm) - 1))


#: The last libraries read, by identity: `jixiao lint` passes one library to every declaration
#: of a file, so its rows are indexed once (the tuple is kept, so its id stays its own).
_INDEXES: dict[int, tuple[tuple, dict]] = {}


def _index(rows: tuple) -> dict[str, list[tuple[LibraryEntry, frozenset[str]]]]:
    """The library's rows (dicts, objects or entries) by normalised subcategory and category,
    each with the runs of its name and sector, built once per tuple of rows."""
    kept = _INDEXES.get(id(rows))
    if kept is None or kept[0] is not rows:
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        index: dict[str, list] = {}
        for row in rows:
            entry = row if isinstance(row, LibraryEntry) else LibraryEntry.from_data(row)
            runs = _pairs(entry.name) | _pairs(entry.sector)
            for key in sorted({_norm(entry.subcategory), _norm(entry.category)} - {""}):
                index.setdefault(key, []).append((entry, runs))
        kept = _INDEXES[id(rows)] = (rows, index)
    return kept[1]


def suggest(library: tuple, *, under: Iterable[str], about: Iterable[str]) -> LibraryEntry | None:
    """The library entry under one of `under` (subcategory or category names) that shares most
    with the texts `about`, or None when none shares at least MIN_SHARED runs. The library's
    rows are read only when a finding asks for a suggestion."""
    index = _index(library)
    words = frozenset().union(*(_pairs(t) for t in about if t))
    best, best_shared = None, MIN_SHARED - 1
    for key in dict.fromkeys(_norm(u) for u in under if u):
        for entry, runs in index.get(key, ()):
            shared = len(words & runs)
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
