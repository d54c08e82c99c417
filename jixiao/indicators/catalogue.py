"""Where an indicator sits in the catalogue of indicator levels (DOMAIN.md §4.1).

A pure module: standard library only, no Django. A row's 一级/二级 names are written loosely
('产出指标(50分)', '数量值', '成本'); `place_indicator` finds their place in the classic national
catalogue or the 2021 one and says, in Chinese, what could not be placed. `is_cost` and
`is_timeliness` tell how a bare number or month is read under a category (§4.2).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "CATALOGUE_2021",
    "CLASSIC_CATALOGUE",
    "Placement",
    "is_cost",
    "is_timeliness",
    "normalise_category",
    "normalise_subcategory",
    "place_indicator",
]

_WS_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Placement:
    """Where an indicator's category and subcategory fall in a catalogue (DOMAIN.md §4.1)."""

    category: str | None
    subcategory: str | None
    problems: tuple[str, ...] = ()


_EFFECT = ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")
_SATISFACTION = ("服务对象满意度指标",)

#: The classic national catalogue (default): 成本指标 is a subcategory of 产出指标.
CLASSIC_CATALOGUE: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": _EFFECT,
    "满意度指标": _SATISFACTION,
}

#: The 2021 central guidance catalogue: 成本指标 is first-level with three subcategories.
CATALOGUE_2021: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标"),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    "效益指标": _EFFECT,
    "满意度指标": _SATISFACTION,
}

_NAME_ALIASES = {
    "生态成本": "生态环境成本",
    "环境成本": "生态环境成本",
    "可持续影响力": "可持续影响",
    "可持续发展": "可持续影响",
    "满意度": "服务对象满意度",
    "社会公众满意度": "服务对象满意度",
    "公众满意度": "服务对象满意度",
    "群众满意度": "服务对象满意度",
    "受益群众满意度": "服务对象满意度",
    "受益对象满意度": "服务对象满意度",
    "时效性": "时效",
    # first levels under other names in published forms
    "预期产出": "产出",
    "项目产出": "产出",
    "项目完成": "产出",
    "预期效益": "效益",
    "项目效益": "效益",
    "预期效果": "效益",
    "效果": "效益",
    "成效": "效益",
    "可持续性影响": "可持续影响",
    "可持续性发展影响": "可持续影响",
}
_BRACKETS_RE = re.compile(r"[(\[【〔<《{][^)\]】〕>》}]*[)\]】〕>》}]?")
_NUMBERING_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\d+(?:\.\d+)*[、.]?|第[一二三四五六七八九十]+)"
)
_POINTS_RE = re.compile(r"[:：]?\d+(?:\.\d+)?分?$")


@lru_cache(maxsize=65_536)
def _name_core(name: object) -> str:
    """A level name stripped as §4.1 says: points and notes in brackets, 值/指标, numbering."""
    if name is None:
        return ""
    s = _WS_RE.sub("", unicodedata.normalize("NFKC", str(name)))
    s = _BRACKETS_RE.sub("", s)
    s = _NUMBERING_RE.sub("", s)
    s = _POINTS_RE.sub("", s).rstrip(":：")
    for ending in ("指标值", "指标", "类", "值"):
        if s.endswith(ending) and len(s) > len(ending):
            s = s[: -len(ending)]
            break
    return _NAME_ALIASES.get(s, s)


def _match_name(core: str, names: tuple[str, ...] | list[str]) -> str | None:
    """Exact core match, else the one name whose core starts or ends with `core`."""
    if not core:
        return None
    cores = {_name_core(n): n for n in names}
    if core in cores:
        return cores[core]
    if len(core) < 2:
        return None
    near = [n for c, n in cores.items() if c.startswith(core) or c.endswith(core)]
    return near[0] if len(near) == 1 else None


def normalise_category(name: object, catalogue: dict = CLASSIC_CATALOGUE) -> str | None:
    """The catalogue's first-level name for a loosely written one, or None (DOMAIN.md §4.1).

    '产出指标(50分)', '产出值', '产出' → '产出指标'. Under the classic catalogue '成本指标' is not a
    first-level name: `place_indicator` places it as 产出指标 / 成本指标.
    """
    return _match_name(_name_core(name), list(catalogue))


def normalise_subcategory(
    name: object, catalogue: dict = CLASSIC_CATALOGUE, category: object = None
) -> str | None:
    """The catalogue's second-level name for a loosely written one, or None (DOMAIN.md §4.1).

    '数量指标(必填)', '数量值', '质量' → '数量指标'/'质量指标'. With `category` the search stays in
    that category when it can be placed. Under the classic catalogue the 2021 cost names
    (经济成本指标 ...) read as 成本指标; under 2021, a bare 成本指标 cannot be placed (which one?).
    """
    core = _name_core(name)
    placed = normalise_category(category, catalogue) if category is not None else None
    pools = [catalogue[placed]] if placed else []
    pools.append([sub for subs in catalogue.values() for sub in subs])
    for pool in pools:
        found = _match_name(core, list(pool))
        if found:
            return found
    all_subs = [sub for subs in catalogue.values() for sub in subs]
    if core.endswith("成本") and "成本指标" in all_subs:
        return "成本指标"
    return None


def place_indicator(
    category: object, subcategory: object, catalogue: dict = CLASSIC_CATALOGUE
) -> Placement:
    """Place a row's 一级/二级 names in the catalogue, saying what could not be placed (§4.1).

    A subcategory found under another category wins, with a problem naming both; a first-level
    成本指标 under the classic catalogue becomes 产出指标 / 成本指标.
    Placements of texts are kept per catalogue: every row of every declaration is placed, and
    tables repeat the same few names.
    """
    if type(category) in _TEXTS and type(subcategory) in _TEXTS:
        key = tuple((c, tuple(subs)) for c, subs in catalogue.items())
        return _placed_text(category, subcategory, key)
    return _place(category, subcategory, catalogue)


@lru_cache(maxsize=8192)
def _placed_text(category: str | None, subcategory: str | None, catalogue: tuple) -> Placement:
    return _place(category, subcategory, dict(catalogue))


def _place(category: object, subcategory: object, catalogue: dict) -> Placement:
    cat = normalise_category(category, catalogue)
    sub = normalise_subcategory(subcategory, catalogue, category) if subcategory else None
    if sub is None and cat is None and _name_core(category) == "成本":
        sub = normalise_subcategory("成本指标", catalogue)
    problems = []
    if cat is None and sub is None and subcategory:
        # Forms that add a level above ours (实施效果指标 / 效益指标 / …) put our first level
        # in the second column.
        shifted = normalise_category(subcategory, catalogue)
        if shifted is not None:
            problems.append(f"二级指标“{subcategory}”是一级指标，按“{shifted}”归类")
            return Placement(shifted, None, tuple(problems))
    owner = next((c for c, subs in catalogue.items() if sub in subs), None)
    if owner and cat and owner != cat:
        problems.append(f"二级指标“{subcategory}”不属于一级指标“{category}”，按“{owner}”归类")
    elif owner and not cat and _name_core(category) not in ("", "成本"):
        problems.append(f"一级指标“{category}”无法识别，按二级指标归入“{owner}”")
    cat = owner or cat
    if cat is None:
        problems.append(f"一级指标“{category or ''}”无法归入指标体系")
    if sub is None and subcategory:
        problems.append(f"二级指标“{subcategory}”无法归入指标体系")
    return Placement(cat, sub, tuple(problems))


def is_cost(category: object = None, subcategory: object = None) -> bool:
    """True for a cost (成本) category or subcategory: a bare number then means ≤ (§4.2)."""
    if type(category) in _TEXTS and type(subcategory) in _TEXTS:
        return _is_cost_text(category, subcategory)  # the lint asks it many times a row
    return _is_cost_text.__wrapped__(category, subcategory)  # other objects are not kept


_TEXTS = (str, type(None))


@lru_cache(maxsize=4096)
def _is_cost_text(category: str | None, subcategory: str | None) -> bool:
    return any("成本" in _name_core(name) for name in (category, subcategory))


def is_timeliness(subcategory: object = None) -> bool:
    """True for a timeliness (时效) subcategory: a bare 'N月' there is a deadline month."""
    return "时效" in _name_core(subcategory)
