"""The rulebook: every weight, threshold and band, per region and year (DESIGN.md, Pure rules).

Each stage app registers its national defaults (DOMAIN.md) as a *section* when it starts, with
the named alternatives of DOMAIN.md §10 as *bases* ("national", "national-2021"). A region keeps
only what it changes, as versioned `Rulebook` rows; a province's rows apply to its cities and
districts unless they set their own. Everything reads rules through `rules_for()` or `named()`,
and nothing else holds a rule as a literal.

Decimals are written as strings in rules ("0.30") so JSON keeps them exact.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .compiled import KeyedQuery

NATIONAL = "national"
BASES: dict[str, str] = {
    "national": gettext_lazy("国家默认（经典指标体系）"),
    "national-2021": gettext_lazy("国家默认（2021 年指标体系）"),
}

_DEFAULTS: dict[str, dict] = {}
_VARIANTS: dict[str, dict[str, dict]] = {name: {} for name in BASES}


class RulebookError(ValueError):
    """A rulebook name or value that cannot be used; the message is for the user."""


_GENERATION = [0]


def register_defaults(section: str, values: Mapping, *, variants: Mapping | None = None) -> None:
    """Register a section's national defaults and its changes under other bases."""
    _DEFAULTS[section] = copy.deepcopy(dict(values))
    _GENERATION[0] += 1  # rulebooks resolved before this no longer hold
    for base, changes in (variants or {}).items():
        if base not in BASES:
            raise RulebookError(f"unknown rulebook base {base}")
        _VARIANTS[base][section] = copy.deepcopy(dict(changes))


#: Rules whose value, or each item of whose list, is one of a closed set (a grade, a formula's
#: name), by dotted key: a type check alone let "甲" into the approvable grades, and from then
#: on every approval was refused.
_CHOICES: dict[str, tuple[str, ...]] = {}


def register_choices(choices: Mapping[str, Sequence[str]]) -> None:
    """Declare the values allowed for rules (dotted keys: "review.approvable_grades")."""
    _CHOICES.update({key: tuple(allowed) for key, allowed in choices.items()})


#: A key ending in this adds its items to the list of the same name instead of replacing it
#: ("vague_words+": a region extends the national word list with its own words).
EXTEND = "+"


def _merge(into: dict, changes: Mapping) -> dict:
    for key, value in changes.items():
        base = key.removesuffix(EXTEND)
        if base != key and isinstance(into.get(base), list) and isinstance(value, list):
            into[base] = into[base] + [v for v in value if v not in into[base]]
        elif isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)
    return into


@dataclass(frozen=True)
class Rules:
    """A resolved rulebook: read-only values plus where they came from."""

    values: Mapping
    base: str = NATIONAL
    sources: tuple[str, ...] = field(default_factory=tuple)  # "360102:2021 v3", ...
    #: The sections handed out read-only (`frozen_section`), made once for these Rules.
    _frozen: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # A copy or a pickle (a job's arguments, the cache) leaves the read-only sections out:
        # a `MappingProxyType` cannot be pickled, and the copy makes its own when asked.
        return {**self.__dict__, "_frozen": {}}

    def section(self, name: str) -> dict:
        """A copy of a section, the caller's to change."""
        return _copied(self._values_of(name))

    def frozen_section(self, name: str) -> Mapping:
        """A section that nobody can change (mappings read-only, lists as tuples), the same
        object on every call for these Rules: what the lint reads. Its caches find what they
        know by the rules' identity (`targets.lint_base`: a row's facts, a check's answers, a
        word list's pattern), so a save linting with `section`'s fresh copy found none of
        what the previous save of the same rulebook version had derived. `rules_for` gives
        the same Rules for the same version, and a new version new Rules, with new sections."""
        frozen = self._frozen.get(name)
        if frozen is None:
            frozen = self._frozen[name] = _frozen(self._values_of(name))
        return frozen

    def _values_of(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise RulebookError(_("规则库中没有“%(name)s”部分") % {"name": name}) from None

    def get(self, dotted: str):
        node = self.values
        for part in dotted.split("."):
            node = node[part]
        return _copied(node)

    @property
    def label(self) -> str:
        return " + ".join((self.base, *self.sources))


def _copied(node):
    """A deep copy of rulebook values (JSON: dicts, lists and immutable scalars), about four
    times faster than `copy.deepcopy`, which a target's edit page and save paid for the lint
    section (15,000 characters) on every request. Scalars are not copied nor even called on."""
    kind = type(node)
    if kind is dict:
        return {k: v if type(v) in _SCALARS else _copied(v) for k, v in node.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else _copied(v) for v in node]
    if kind in _SCALARS:
        return node
    return copy.deepcopy(node)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _frozen(node):
    """Rulebook values (JSON) made read-only all the way down: a mapping as a
    `MappingProxyType` of its frozen values, a list as a tuple."""
    if isinstance(node, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in node.items()})
    if isinstance(node, list | tuple):
        return tuple(_frozen(v) for v in node)
    if type(node) in _SCALARS:
        return node
    return copy.deepcopy(node)


def thawed(node):
    """Frozen rulebook values (`Rules.frozen_section`) as plain JSON data again, dicts and
    lists, for what needs them (a page's `json_script`, a copy to change)."""
    if isinstance(node, Mapping):
        return {k: thawed(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [thawed(v) for v in node]
    return node


def named(name: str = NATIONAL) -> Rules:
    """A national rulebook by name (`--rulebook national|national-2021`), no database needed.

    The same Rules for the same name until a section's defaults are registered again: the
    copy of every default cost about 2 ms, which each public page paid for its rate limit and
    the demo for each self-evaluation it scored. Its values are read through `section` and `get`,
    which copy, or `frozen_section`, which cannot be changed; `rules_for` merges a region's
    versions into a copy of them."""
    if name not in BASES:
        raise RulebookError(
            _("未知的规则库“%(name)s”，可用：%(names)s") % {"name": name, "names": ", ".join(BASES)}
        )
    key = (name, _GENERATION[0])
    if (rules := _NAMED.get(key)) is None:
        values = _copied(_DEFAULTS)
        for section, changes in _VARIANTS[name].items():
            _merge(values.setdefault(section, {}), changes)
        rules = _NAMED[key] = Rules(values=values, base=name)
    return rules


#: `named`'s Rules by (name, the defaults' generation).
_NAMED: dict[tuple[str, int], Rules] = {}


def rules_for(region_codes: Sequence[str], year: int) -> Rules:
    """The rules in force for a region and year.

    `region_codes` runs from the region itself up to its province (district, city, province);
    the nearest region's latest version wins for each value it sets.
    """
    rows = {row.region_code: row for row in latest_versions(region_codes, year)}
    chain = [rows[c] for c in reversed(list(region_codes)) if c in rows]  # province first
    base = next((r.base for r in reversed(chain)), NATIONAL)
    # The merge copies every default: keep its result for the same defaults and versions (the
    # rows' values are part of the key, as a version's number can come back after a rollback).
    # Callers read sections through `section`/`get`, which copy, or `frozen_section`, which
    # cannot be changed, so the kept values never change.
    key = (
        base,
        _GENERATION[0],
        tuple((r.region_code, r.version, json.dumps(r.values, sort_keys=True)) for r in chain),
    )
    if (resolved := _RESOLVED.get(key)) is None:
        rules = named(base if base in BASES else NATIONAL)
        values = _copied(rules.values)  # the merge changes nested sections: never named()'s
        for row in chain:
            _merge(values, row.values)
        resolved = Rules(
            values=values,
            base=rules.base,
            sources=tuple(f"{r.region_code}:{r.year} v{r.version}" for r in chain),
        )
        if len(_RESOLVED) >= 256:
            _RESOLVED.clear()
        _RESOLVED[key] = resolved
    return resolved


_RESOLVED: dict[tuple, Rules] = {}


def _latest_versions_query(*keys):
    """The rows of each region's newest version: `keys` are the region codes, then the year."""
    from .models import Rulebook

    *codes, year = keys
    # One query (every page that checks a rule asks): each region's newest version by a
    # subquery, not the versions' maxima first and their rows after.
    newest = (
        Rulebook.objects.filter(region_code=OuterRef("region_code"), year=year)
        .order_by("-version")
        .values("version")[:1]
    )
    return Rulebook.objects.filter(region_code__in=codes, year=year).filter(
        version=Subquery(newest)
    )


# Its SQL compiled once a process for each number of regions (core/compiled.py): building the
# subquery through the ORM cost more CPU than the database's answer, on every page that checks
# a rule. The rows are read on every call as before, so a new version is seen at once.
_LATEST: dict[int, KeyedQuery] = {}


def latest_versions(region_codes: Sequence[str], year: int):
    codes = list(dict.fromkeys(str(code) for code in region_codes))  # the IN list's values once
    if not codes:
        return []
    query = _LATEST.get(len(codes))
    if query is None:
        stand_ins = [f"\x00region-{n}" for n in range(len(codes))]
        query = _LATEST[len(codes)] = KeyedQuery(_latest_versions_query, *stand_ins, 30001)
    return query.all(*codes, int(year))


#: A rule written as a decimal in a string ("0.20", "12"): its value must be one too.
_DECIMAL_TEXT = re.compile(r"-?\d+(\.\d+)?")


def _is_decimal_text(value) -> bool:
    return isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value) is not None


def _kind_name(value) -> str:
    """What a rule's value must be, in the user's words (not Python's type names)."""
    if isinstance(value, bool):
        return _("true 或 false")
    if isinstance(value, int):
        return _("整数")
    if isinstance(value, Mapping):
        return _("对象（{…}）")
    if isinstance(value, list):
        return _("列表（[…]）")
    return _("一段文字")


def _numbers_as_text(changes: Mapping, defaults: Mapping) -> dict:
    """The changes with a number typed for a decimal-text rule (0.25 for "0.20") written as
    its text ("0.25"), as the defaults keep decimals; everything else as typed."""
    out = {}
    for key, value in changes.items():
        default = defaults.get(key) if isinstance(defaults, Mapping) else None
        if isinstance(value, Mapping) and isinstance(default, Mapping):
            value = _numbers_as_text(value, default)
        elif (
            _is_decimal_text(default)
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            value = repr(value) if isinstance(value, float) else str(value)
        out[key] = value
    return out


def validate_changes(changes: Mapping, *, path: str = "") -> list[str]:
    """Errors for keys that do not exist in the defaults, values of the wrong JSON type, and
    decimal rules ("0.20") whose value is no decimal (a tolerance of "abc" would fail every
    check that reads it)."""
    errors: list[str] = []
    defaults: Mapping = _DEFAULTS
    for part in filter(None, path.split(".")):
        defaults = defaults.get(part, {})
    for key, value in changes.items():
        where = f"{path}.{key}" if path else key
        if key.endswith(EXTEND) and isinstance(defaults.get(key.removesuffix(EXTEND)), list):
            key = key.removesuffix(EXTEND)
        if key not in defaults:
            errors.append(_("未知的规则项：%(key)s") % {"key": where})
        elif isinstance(defaults[key], Mapping) and isinstance(value, Mapping):
            errors += validate_changes(value, path=where)
        elif _is_decimal_text(defaults[key]) and not _is_decimal_text(value):
            errors.append(
                _("规则项 %(key)s 应为数值，如 %(example)s")
                % {"key": where, "example": json.dumps(defaults[key])}
            )
        elif type(defaults[key]) is not type(value):
            errors.append(
                _("规则项 %(key)s 的类型应为%(kind)s")
                % {"key": where, "kind": _kind_name(defaults[key])}
            )
        else:
            errors += _choice_errors(where.removesuffix(EXTEND), value)
    return errors


def _choice_errors(key: str, value) -> list[str]:
    """The values of a closed-set rule (`register_choices`) that are not among its choices."""
    allowed = _CHOICES.get(key)
    if allowed is None:
        return []
    wrong = [v for v in (value if isinstance(value, list) else [value]) if v not in allowed]
    return [
        _("规则项 %(key)s 的“%(value)s”不是可用的值（可用：%(allowed)s）")
        % {"key": key, "value": v, "allowed": "、".join(allowed)}
        for v in wrong
    ]


@transaction.atomic
def rulebook_save(
    *,
    region_code: str,
    year: int,
    values: Mapping,
    actor,
    note: str = "",
    base: str = NATIONAL,
    loaded: str | None = None,
):
    """Save a region's changes as a new version; earlier versions stay for reproducibility.
    Refused (`edit_stamp.Overwritten`) when a version was saved since the form's `loaded`
    stamp (the stamp of the region's latest version when the form was drawn)."""
    from . import audit, edit_stamp
    from .models import Rulebook

    if base not in BASES:
        raise RulebookError(_("未知的基础规则：%(name)s") % {"name": base})
    values = _numbers_as_text(values, _DEFAULTS)
    errors = validate_changes(values)
    if errors:
        raise RulebookError("；".join(errors))
    versions = list(
        Rulebook.objects.select_for_update(of=("self",))
        .filter(region_code=region_code, year=year)
        .only("version", "created_at")
        .order_by("-version")
    )
    edit_stamp.check(versions[0] if versions else None, loaded)
    try:
        with transaction.atomic():  # a savepoint: the refusal below reads on
            row = Rulebook.objects.create(
                region_code=region_code,
                year=year,
                version=versions[0].version + 1 if versions else 1,
                base=base,
                values=dict(values),
                note=note,
                created_by=actor,
            )
    except IntegrityError:
        # Two saves at once of a region-year with no version yet: the lock above had no row
        # to hold, both read none and the unique version let one in. This save is then one
        # over a newer version, refused as such (not a server error), with that version.
        newest = (
            Rulebook.objects.filter(region_code=region_code, year=year).order_by("-version").first()
        )
        edit_stamp.check(newest, edit_stamp.NEW)
        raise
    audit.record(
        action="create",
        instance=row,
        after={"base": base, "values": dict(values)},
        region_code=region_code,
        actor=actor,
        message=note,
    )
    return row


def defaults_snapshot() -> dict:
    return copy.deepcopy(_DEFAULTS)
