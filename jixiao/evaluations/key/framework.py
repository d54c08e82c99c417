"""The indicator framework (指标体系) of a key evaluation (DOMAIN.md §6.4).

A pure module (DESIGN.md, Pure rules): standard library and pure modules only. The rules are the
rulebook's "key_evaluation" section (jixiao.evaluations.key.defaults):

- `default_framework(rules, special_kind=None)` gives the default tree 决策 / 过程 / 产出 / 效益
  with its third-level indicators, each with its scoring standard (评分标准) and, for a rate, the
  name of its rule (`rate_rules`); a special kind's set is added on top, each of its indicators
  taking its weight from the common indicator it names, so the total stays the same.
- `check_framework(indicators, rules)` checks an edited framework: the weights sum to the
  total (K01), 产出 + 效益 reach their minimum (K02), level-1 names are those of the framework
  (K06), no name is empty and every weight is above 0.
- `weight_checks(rows, rules)` is the K01/K02/K06 part, shared with the agency score table.

Messages are `jixiao.core.rule_messages.Message`s (Chinese text with a code and parameters).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from jixiao.core.rule_messages import Join, Message

from .figures import as_decimal, plain

__all__ = [
    "Finding",
    "FrameworkError",
    "IndicatorSpec",
    "check_framework",
    "default_framework",
    "indicator_label",
    "special_kind_of",
    "weight_checks",
]


class FrameworkError(ValueError):
    """A special kind or a rulebook framework that cannot be used; the message is Chinese."""


@dataclass(frozen=True)
class IndicatorSpec:
    """A third-level indicator of the framework, with its place in the tree."""

    level1: str
    level2: str
    level3: str
    weight: Decimal
    standard: str = ""
    rule: str | None = None
    order: int = 0


@dataclass(frozen=True)
class Finding:
    """A slip in a framework or a score table: a code (K01…), its message, and the 0-based
    position of the indicator it is about (None for the whole)."""

    code: str
    message: str
    indicator: int | None = None

    def to_data(self) -> dict:
        """The CLI's `{"code", "message"}` (CONTRACT.md)."""
        return {"code": self.code, "message": str(self.message)}


def indicator_label(index: int, name: str | None) -> str:
    """'第3项指标“资金到位率”' (1-based, as people count)."""
    name = (name or "").strip()
    if name:
        return Message("key.label", n=index + 1, name=name)
    return Message("key.label_unnamed", n=index + 1)


# --------------------------------------------------------------------------- the default tree


def special_kind_of(rules: Mapping, kind: str) -> tuple[str, dict]:
    """The kind's label and entry of `special_kinds`, found by label (政府债务) or code (debt)."""
    kinds = rules["special_kinds"]
    for label, entry in kinds.items():
        if kind in (label, entry.get("code")):
            return label, entry
    names = Join(kinds)
    raise FrameworkError(Message("key.unknown_kind", kind=kind, kinds=names))


def _spec(item: Mapping, weight: Decimal | None = None) -> IndicatorSpec:
    return IndicatorSpec(
        level1=item["level1"],
        level2=item["level2"],
        level3=item["level3"],
        weight=as_decimal(item["weight"]) if weight is None else weight,
        standard=item.get("standard") or "",
        rule=item.get("rule") or None,
    )


def default_framework(rules: Mapping, special_kind: str | None = None) -> list[IndicatorSpec]:
    """The framework of the rulebook, with a special kind's set on top of it.

    A kind's indicator is placed after the last indicator of its level-2 group (or of its
    level-1 group when the group is new) and takes its weight from the indicator named in its
    `takes_from`. Raises FrameworkError for an unknown kind or a donor that does not exist or
    would be left without points."""
    specs = [_spec(item) for item in rules["framework"]["indicators"]]
    if special_kind:
        label, entry = special_kind_of(rules, special_kind)
        for item in entry["indicators"]:
            specs = _add(specs, item, label)
    return [replace(spec, order=n) for n, spec in enumerate(specs, start=1)]


def _add(specs: list[IndicatorSpec], item: Mapping, kind: str) -> list[IndicatorSpec]:
    extra = _spec(item)
    donor = next((i for i, s in enumerate(specs) if s.level3 == item["takes_from"]), None)
    if donor is None or specs[donor].weight <= extra.weight:
        raise FrameworkError(Message("key.bad_donor", kind=kind, name=extra.level3,
                                     donor=item["takes_from"]))  # fmt: skip
    specs = list(specs)
    specs[donor] = replace(specs[donor], weight=specs[donor].weight - extra.weight)
    same_group = [i for i, s in enumerate(specs) if (s.level1, s.level2) == (extra.level1,
                                                                           extra.level2)]  # fmt: skip
    same_level1 = [i for i, s in enumerate(specs) if s.level1 == extra.level1]
    at = max(same_group or same_level1 or [len(specs) - 1]) + 1
    specs.insert(at, extra)
    return specs


# --------------------------------------------------------------------------- checks


def weight_checks(rows: Iterable[tuple[str | None, Decimal | None]], rules: Mapping,
                  *, names: Iterable[str | None] = ()) -> list[Finding]:  # fmt: skip
    """K01, K02 and K06 over (level-1 name, weight) rows; a weight that could not be read is
    None: it counts toward no sum, and K01 says how many there were.

    K06: a level-1 name outside the framework, whose weight counts toward neither side of K02.
    `names` (the level-3 names, in the same order) label the K06 findings."""
    framework = rules["framework"]
    allowed = list(framework["level1"])
    output_benefit = set(framework["output_benefit"])
    rows, names = list(rows), list(names)
    names += [None] * (len(rows) - len(names))
    total = sum((w for _l, w in rows if w is not None), Decimal(0))
    unread = sum(w is None for _l, w in rows)
    found = []
    expected = as_decimal(framework["total"])
    if total != expected or unread:
        note = Message("key.K01.unread", n=unread) if unread else ""
        found.append(Finding("K01", Message("key.K01", total=plain(total), note=note,
                                            expected=plain(expected))))  # fmt: skip
    side = sum((w for level1, w in rows if _name(level1) in output_benefit and w is not None),
               Decimal(0))  # fmt: skip
    least = as_decimal(framework["min_output_benefit"])
    if side < least:
        parts = Join(n for n in allowed if n in output_benefit)
        found.append(Finding("K02", Message("key.K02", parts=parts, total=plain(side),
                                            least=plain(least))))  # fmt: skip
    for index, (level1, _w) in enumerate(rows):
        name = _name(level1)
        if name not in allowed:
            label = indicator_label(index, names[index])
            code = "key.K06" if name else "key.K06.empty"
            message = Message(code, label=label, name=name, allowed=Join(allowed))
            found.append(Finding("K06", message, index))
    return found


def _name(text: str | None) -> str:
    return "".join((text or "").split())


def check_framework(indicators: Iterable[IndicatorSpec], rules: Mapping) -> list[Finding]:
    """The rules of an edited framework, in code order: K01 (weights sum to the total), K02
    (产出 + 效益 at least their minimum), K06 (level-1 names), then `empty_name` and
    `weight_invalid` per indicator."""
    indicators = list(indicators)
    found = weight_checks([(i.level1, i.weight) for i in indicators], rules,
                          names=[i.level3 for i in indicators])  # fmt: skip
    levels = (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"))
    for index, spec in enumerate(indicators):
        label = indicator_label(index, spec.level3)
        empty = [title for attr, title in levels if not _name(getattr(spec, attr))]
        if empty:
            message = Message("key.empty_name", label=label, levels=Join(empty))
            found.append(Finding("empty_name", message, index))
        if spec.weight is None or spec.weight <= 0:
            shown = "" if spec.weight is None else plain(spec.weight)
            message = Message("key.weight_not_positive", label=label, weight=shown)
            found.append(Finding("weight_invalid", message, index))
    return found
