"""Measure units of indicator values: spellings, families and exact conversions (DOMAIN.md §4.2,
widened to the families of the real tables in tests/corpus).

A pure module: standard library only. `jixiao.indicators.values` reads 指标值 and 实际完成值 cells
with it; lint (T04, T18) and scoring compare units through it.

Spellings. Every unit has one normalised spelling (`normalise_unit`): Latin letters become the
Chinese unit a reviewer reads ('KM' and 'km' → 公里, 'M' and 'm' → 米, 'm²' → 平方米, 'T' → 吨,
'kg' → 千克, 'h' → 小时), '个月' → 月, '百分比' → %. Data sizes keep their Latin names (KB, MB, GB,
TB, PB; 'G' is GB, and 兆 alone is kept and counts as MB, since nothing else in the tables takes
those names alone). Two spellings of one measure that people choose on purpose are kept as
written and compared as equal (日 and 天, 公斤 and 千克, 名/位 and 人), and so is a count written with
the thing counted and its measure word (名学生 and 人, 个乡镇 and 个).

Families. A unit converts exactly into another of its family and never into another family:

- length 毫米 厘米 分米 米 公里; area 平方米 万平方米 公顷 亩 (1亩 = 2000/3 平方米) 万亩 平方公里;
  mass 毫克 克 斤 千克/公斤 吨 万吨; volume 毫升 升 立方米 (方) 万立方米; data KB … PB (1024);
  money 元 千元 万元 百万元 亿元; power 瓦 千瓦 兆瓦 万千瓦; energy 千瓦时 兆瓦时 万千瓦时 亿千瓦时;
  bandwidth Kbps Mbps Gbps;
- time in two families that do not convert into each other, because a month has no fixed number
  of days: 秒 分钟 小时 天/日 周, and 月 季度 半年 年; 工作日, 学期 and 学年 stand alone (a 工作日 is not
  a 天);
- counts: each measure word (人, 人次, 个, 株, 粒, 户 …) is a family of its own; 人 never
  converts into 个. 万, 千 or 亿 before any unit multiplies it (万株 = 10000 株, 万人次 = 10000
  人次, 万公顷);
- %, ‰, 百分点, 倍, 分 and 分贝 stand alone: 95‰ against a target in % is more likely a slip than a
  reading to convert;
- per-unit rates: a unit over one or more units, 元/人, 万元/公里, 次/年, 元/人·月. Its parts are
  normalised, so 元/人*月, 元/人.月, 元/人/月, 元/人每月 and 元/人·月 are one unit (written 元/人·月),
  and 元/人.每天 is 元/人·天. Two rates convert when their parts convert pairwise, in order
  (1万元/公里 = 10元/米, 300元/人·月 = 3600元/人·年).

Conversions are exact `Decimal`s. The one ratio that is not a decimal fraction (亩 ↔ 平方米 and
公顷, a third) gives the value to 20 decimal places, far below the 2 of every score.
"""

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "FREQUENCY_ACTIONS",
    "FREQUENCY_PERIODS",
    "KNOWN_UNITS",
    "MONEY_UNITS",
    "REFERENCES",
    "REFERENCE_TAILS",
    "TIME_UNITS",
    "UNIT_ALIASES",
    "convert_number",
    "is_known_unit",
    "looks_like_unit",
    "normalise_unit",
    "same_unit",
    "split_unit_words",
    "tidy_decimal",
    "unit_cost_parts",
    "unit_family",
]

#: Money units and their power of ten in 元 (DOMAIN.md §4.2).
MONEY_UNITS: dict[str, int] = {"元": 0, "千元": 3, "万元": 4, "百万元": 6, "亿元": 8}

F = Fraction
# Family → {unit: size in the family's first unit}.
_FAMILIES: dict[str, dict[str, Fraction]] = {
    "length": {"米": F(1), "毫米": F(1, 1000), "厘米": F(1, 100), "分米": F(1, 10), "公里": F(1000)},
    "area": {"平方米": F(1), "万平方米": F(10**4), "公顷": F(10**4), "亩": F(2000, 3),
             "万亩": F(2000 * 10**4, 3), "平方公里": F(10**6)},
    "mass": {"克": F(1), "毫克": F(1, 1000), "斤": F(500), "千克": F(1000), "公斤": F(1000),
             "吨": F(10**6), "万吨": F(10**10)},
    "volume": {"升": F(1), "毫升": F(1, 1000), "立方米": F(1000), "万立方米": F(10**7)},
    "data": {"KB": F(1), "MB": F(2**10), "兆": F(2**10), "GB": F(2**20), "TB": F(2**30),
             "PB": F(2**40)},
    "money": {unit: F(10**power) for unit, power in MONEY_UNITS.items()},
    "power": {"瓦": F(1), "千瓦": F(10**3), "兆瓦": F(10**6), "万千瓦": F(10**7)},
    "energy": {"千瓦时": F(1), "兆瓦时": F(10**3), "万千瓦时": F(10**4), "亿千瓦时": F(10**8)},
    "bandwidth": {"Kbps": F(1), "Mbps": F(10**3), "Gbps": F(10**6)},
    "time": {"秒": F(1), "分钟": F(60), "小时": F(3600), "天": F(86400), "日": F(86400),
             "周": F(7 * 86400)},
    "months": {"月": F(1), "季度": F(3), "半年": F(6), "年": F(12)},
}  # fmt: skip

#: Time units (both time families and those that stand alone): the time dimension of a rate.
TIME_UNITS: tuple[str, ...] = (
    *_FAMILIES["time"], *_FAMILIES["months"], "工作日", "学期", "学年",
)  # fmt: skip

# Measure words of things counted; 万/千/亿 before one multiplies it.
_COUNT_UNITS = frozenset(
    """个 人 人次 次 户 户次 项 件 份 所 台 台次 套 辆 辆次 家 场 场次 期 批 批次 篇 条 座 名 位 册
    棵 株 丛 粒 尾 枚 头 只 羽 盏 块 根 口 栋 幢 床 班次 架次 车次 门 节 部 种 类 首 组 支 间 张 本
    处 宗 例 起 箱 袋 瓶 包 吨次 课时 学时 人日 片 眼 处次 期次 单 笔 生 村 校 园 架 艘 列 轮 卷 盒
    副 对 幅 把 棵次 亩次""".split()
)
_COUNT_PREFIXES = {"万": F(10**4), "千": F(10**3), "亿": F(10**8)}

# Units that stand alone: no conversion into anything else.
_ALONE = frozenset("% ‰ 百分点 个百分点 倍 分 分贝 工作日 学期 学年 个点".split())

#: Measure units seen in published tables (DOMAIN.md §4.2), each in its normalised spelling.
#: `is_known_unit` also knows every rate of known units and every 万/千/亿 count.
KNOWN_UNITS: frozenset[str] = frozenset(
    {u for family in _FAMILIES.values() for u in family} | _COUNT_UNITS | _ALONE
    | set("万人 万人次 万户 万株 万粒 万个 元/人 元/平方米 万元/个 元/亩 元/月 元/年 元/人·年 元/人次"
          " 万元/公里 万元/人 次/年 人/年 个/年 人/天".split())
)  # fmt: skip

#: Spellings that mean the same unit; the value is the normalised spelling.
UNIT_ALIASES: dict[str, str] = {
    "百分比": "%", "百分率": "%", "千米": "公里", "km": "公里", "公分": "厘米", "cm": "厘米",
    "mm": "毫米", "m": "米", "m2": "平方米", "平米": "平方米", "平方": "平方米",
    "km2": "平方公里", "平方千米": "平方公里", "hm2": "公顷", "ha": "公顷", "kg": "千克",
    "t": "吨", "g": "克", "mg": "毫克", "m3": "立方米", "立方": "立方米", "方": "立方米",
    "万方": "万立方米", "l": "升", "ml": "毫升", "kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB",
    "pb": "PB", "G": "GB", "kw": "千瓦", "mw": "兆瓦", "kwh": "千瓦时", "h": "小时",
    "min": "分钟", "个月": "月", "个工作日": "工作日", "个小时": "小时", "星期": "周",
    "个星期": "周", "个季度": "季度", "个学期": "学期", "人/次": "人次", "户/次": "户次",
    "人·次": "人次", "kbps": "Kbps", "mbps": "Mbps", "gbps": "Gbps",
}  # fmt: skip

#: Periods a frequency names without a number ("每季度", "按月", "一年一次", 时效 rows of real
#: tables): the period word → the time unit of the rate it reads as, 次 per that unit ("每季度" is
#: ≥1次/季度, as "每季度1次" already reads). 旬 is left out: it is no unit of this table.
FREQUENCY_PERIODS: dict[str, str] = {
    "日": "天", "天": "天", "周": "周", "星期": "周", "月": "月", "月度": "月", "季": "季度",
    "季度": "季度", "半年": "半年", "年": "年", "年度": "年", "学期": "学期",
}  # fmt: skip

#: What a frequency may repeat after its period ("按季度报送", "每月按时发放"), optionally after a
#: manner word (按时, 及时, 足额, 定期); any other words after the period make the value prose
#: ("按年度计划完成" is a plan, not a frequency).
FREQUENCY_ACTIONS: dict[str, tuple[str, ...]] = {
    "manners": ("按时", "及时", "足额", "定期", "准时"),
    "actions": (
        "报送", "上报", "报告", "发放", "拨付", "支付", "兑付", "兑现", "缴纳", "结算", "开展",
        "召开", "组织", "调度", "通报", "检查", "督查", "巡查", "抽查", "更新", "公示", "公开",
        "发布", "考核", "统计", "汇总", "分析", "审核", "对账", "监测", "维护", "培训", "完成",
        "进行", "落实", "执行",
    ),
}  # fmt: skip

#: Amounts a relative target names. Each is an amount a reviewer can look up in the project's own
#: papers (last year's actual, the budget, the approved estimate, the contract) or a published
#: level (the market price, an average, a cost standard).
REFERENCES: tuple[str, ...] = (
    "上年", "上年度", "上一年度", "去年", "上年同期", "同期", "预算", "预算数", "预算金额",
    "概算", "批复数", "批复金额", "批复额", "合同价", "合同金额", "合同价款", "合同约定",
    "中标价", "中标金额", "市场价", "市场价格", "平均", "定额", "限额", "核定数",
)  # fmt: skip

#: Words that may follow the reference ("不低于上年水平", "≤预算金额的", "控制在预算范围内").
REFERENCE_TAILS: tuple[str, ...] = (
    "水平", "数", "数额", "金额", "标准", "额度", "范围", "实际数", "实际值", "实际", "支出",
    "执行数", "价格", "值",
)  # fmt: skip

# Spellings of one measure kept as written and compared as equal.
_SAME_MEASURE = {"日": "天", "公斤": "千克", "名": "人", "位": "人"}

_PLACEHOLDER_RE = re.compile(r"[-/\\—–_·~*]*")
_PLACEHOLDER_WORDS = {"n/a", "na", "#n/a", "无", "空", "暂无", "不适用", "none", "null", "nan"}
# Separators between the parts of a rate: 元/人*月, 元/人.月, 元/人·月, 元/人每月, 元/人.每天.
_PER_SEPARATORS = str.maketrans(
    {"*": "·", "×": "·", ".": "·", "•": "·", "・": "·", "‧": "·", "、": "·"}
)


def _text(unit: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(unit)))


def _single(part: str) -> str:
    """One unit without a '/': its alias, case-insensitively for Latin letters ('KM')."""
    if part.startswith("每") and len(part) > 1:
        part = part[1:]
    if part in UNIT_ALIASES:
        return UNIT_ALIASES[part]
    if part.isascii():
        return UNIT_ALIASES.get(part.casefold(), part)
    if part.endswith("数") and part[:-1] in _COUNT_UNITS:
        return part[:-1]  # '间数', '户数': the number of 间, of 户
    return part


def _per_part(part: str) -> list[str]:
    """A 'per' part as units: '每天' → ['天'], '人月' (a count then a time) → ['人', '月']."""
    part = _single(part)
    if part not in TIME_UNITS:
        for time in sorted(TIME_UNITS, key=len, reverse=True):
            head = part[: -len(time)]
            if part.endswith(time) and head in _COUNT_UNITS:
                return [head, time]
    return [part]


def _split(unit: str) -> tuple[str, list[str]]:
    """A cleaned unit as (head, per parts): '元/人*月' → ('元', ['人', '月'])."""
    s = unit.translate(_PER_SEPARATORS)
    if "/" not in s and "每" in s[1:]:
        s = s[0] + s[1:].replace("每", "/", 1)
    head, slash, rest = s.partition("/")
    if not slash:
        return _single(unit), []
    parts = [p for chunk in re.split(r"[/·]", rest) for p in re.split(r"(?<=.)每", chunk)]
    per = [u for p in parts if p for u in _per_part(p)]
    # The time part last, as people say it: 元/月/人 is 元/人·月.
    return _single(head), [u for u in per if u not in TIME_UNITS] + [
        u for u in per if u in TIME_UNITS
    ]


def normalise_unit(unit: object) -> str | None:
    """The normalised spelling of a measure unit ('百分比' → '%', 'KM' → '公里', '元/人*月' →
    '元/人·月'), None for blank or a placeholder ('/', '—', '无')."""
    if unit is None:
        return None
    return _normalise(str(unit))


@lru_cache(maxsize=4096)
def _normalise(unit: str) -> str | None:
    s = _text(unit).rstrip("。.;；,，")
    if _PLACEHOLDER_RE.fullmatch(s) or s.casefold() in _PLACEHOLDER_WORDS:
        return None
    bracketed = re.fullmatch(r"\((.+)\)|([^()]+)\([^()]*\)", s)  # '(元)', '%(百分比)'
    if bracketed:
        s = bracketed.group(1) or bracketed.group(2)
    if s in UNIT_ALIASES:
        return UNIT_ALIASES[s]
    head, per = _split(s)
    return head + "/" + "·".join(per) if per else head


def _measure_simple(unit: str) -> tuple[tuple[str, ...], Fraction] | None:
    """(family, size) of a unit without '/'; None when it is not known."""
    for name, sizes in _FAMILIES.items():
        if unit in sizes:
            return (name,), sizes[unit]
    if unit in _COUNT_UNITS:
        return ("count", _SAME_MEASURE.get(unit, unit)), F(1)
    if unit in _ALONE:
        return (unit,), F(1)
    if unit[:1] in _COUNT_PREFIXES and len(unit) > 1 and unit[1:] not in _ALONE:
        found = _measure_simple(unit[1:])  # 万株, 万人次, and 万公顷 as in '次/10万公顷'
        return None if found is None else (found[0], found[1] * _COUNT_PREFIXES[unit[0]])
    return None


def _measure_per(part: str) -> tuple[tuple[str, ...], Fraction] | None:
    """(family, size) of a 'per' part, which may start with a number: 次/10万公顷."""
    counted = re.fullmatch(r"(\d+(?:\.\d+)?)(\D.*)", part)
    if counted is None:
        return _measure_simple(part)
    found = _measure_simple(counted.group(2))
    return None if found is None else (found[0], found[1] * Fraction(counted.group(1)))


@lru_cache(maxsize=4096)
def _measure(unit: str | None) -> tuple[tuple, Fraction] | None:
    """(family, size) of a normalised unit, rates included: '万元/公里' → (money per length,
    10000/1000). None when any part is not known."""
    if not unit:
        return None
    head, per = _split(unit)
    measured = [_measure_simple(head)] + [_measure_per(p) for p in per]
    parts = [p for p in measured if p is not None]
    if len(parts) < len(measured):
        return None
    size = parts[0][1]
    for part in parts[1:]:
        size /= part[1]
    return tuple(p[0] for p in parts), size


def is_known_unit(unit: object) -> bool:
    """True for a unit of a known family: a listed unit, a 万/千/亿 count, or a rate of those."""
    return _measure(normalise_unit(unit)) is not None


def looks_like_unit(text: str, operator_written: bool) -> bool:
    """A known unit, or words of up to 4 Chinese characters (per /) kept as written ('≥50名学生'),
    or up to 6 Latin letters after a written operator ('≥100Mbps').

    After a bare number such words must start with a known unit that is not a time unit, so
    '50名学生' is a count but '12月中旬前' is prose, not 12 of a unit '月中旬前'.
    """
    if is_known_unit(text):
        return True
    if re.fullmatch(r"[A-Za-z]{1,6}", text):
        return operator_written
    if re.search(r"[^\u4e00-\u9fff/·]|以上|以下|以内", text):
        return False
    if not all(0 < len(part) <= 4 for part in text.split("/")):
        return False
    return operator_written or (is_known_unit(text[0]) and not text.startswith(TIME_UNITS))


def split_unit_words(text: str, allowed: tuple[str, ...] | None) -> tuple[str, str] | None:
    """(unit, words) for a known unit (or none) followed by Chinese words: '%覆盖' → ('%', '覆盖');
    the words must be one of `allowed` unless it is None (any words). None when no split fits."""
    for i in range(min(len(text), 8), -1, -1):
        unit, words = text[:i], text[i:]
        if (unit and not is_known_unit(unit)) or not re.fullmatch(r"[\u4e00-\u9fff]+", words):
            continue
        if allowed is None or words in allowed:
            return unit, words
    return None


def unit_family(unit: object) -> tuple[tuple[str, ...], ...] | None:
    """The family of each part of a unit: '公里' → (('length',),), '万株' → (('count', '株'),),
    '元/人·月' → (('money',), ('count', '人'), ('months',)); None when the unit is not known. Two
    units convert exactly when their families are equal."""
    found = _measure(normalise_unit(unit))
    return None if found is None else found[0]


def same_unit(a: object, b: object) -> bool:
    """True when two units measure the same thing without conversion ('百分比' and '%', '日' and
    '天', '元/人*月' and '元/人·月')."""
    a, b = normalise_unit(a), normalise_unit(b)
    if a is None or b is None:
        return a == b
    return _same_measure(a) == _same_measure(b)


@lru_cache(maxsize=4096)
def _same_measure(unit: str) -> tuple[str, ...]:
    head, per = _split(unit)
    return tuple(_SAME_MEASURE.get(p, p) for p in map(_measure_word, (head, *per)))


def _measure_word(unit: str) -> str:
    """A count kept as written with the thing counted ('名学生', '个乡镇', '个村') measures as its
    measure word (名 → 人, 个): 48人 against ≥50名学生 compares. Other units are themselves."""
    found = re.fullmatch(
        r"(人次|户次|[个人名位户家所座项件台套株头只])([\u4e00-\u9fff]{1,3})", unit
    )
    if found and _measure_simple(unit) is None:
        return found.group(1)
    return unit


def convert_number(number: Decimal, from_unit: object, to_unit: object) -> Decimal | None:
    """`number` in `from_unit` expressed in `to_unit`, exactly; None when they do not convert.

    Units convert within their family (公里 ↔ 米, 万亩 ↔ 亩, 万元/人 ↔ 元/人, 元/人·月 ↔ 元/人·年),
    never across families (人 ↔ 个, 天 ↔ 月, % ↔ ‰); an unknown unit converts only into itself.
    """
    if same_unit(from_unit, to_unit):
        return number
    src = _measure(normalise_unit(from_unit))
    dst = _measure(normalise_unit(to_unit))
    if src is None or dst is None or src[0] != dst[0] or not number.is_finite():
        return None
    return _decimal(Fraction(number) * src[1] / dst[1])


def _decimal(value: Fraction) -> Decimal:
    """A fraction as a Decimal: exact when its decimal ends, else to 20 decimal places."""
    den, twos, fives = value.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    scale = max(twos, fives) if den == 1 else 20
    digits = round(value * 10**scale)  # exact when the decimal ends (den == 1)
    return tidy_decimal(Decimal(f"{digits}E-{scale}"))


def tidy_decimal(number: Decimal) -> Decimal:
    """The same value without trailing fractional zeros or an exponent (90.0000 → 90, 1.2E+4 →
    12000), exactly: `Decimal.normalize` would round to the context's precision."""
    sign, written, exponent = number.as_tuple()
    if not isinstance(exponent, int):  # NaN or an infinity: nothing to tidy
        return number
    digits = list(written)
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    if exponent > 0:
        digits, exponent = digits + [0] * exponent, 0
    return Decimal((sign, tuple(digits), exponent))


def unit_cost_parts(unit: object) -> tuple[str, str | None, str | None] | None:
    """A unit cost's unit split into (money unit, per unit, time dimension), for lint T18.

    '元/人·月' (also written 元/人*月, 元/人.月, 元/人/月, 元/人每月) → ('元', '人', '月');
    '元/生/年' → ('元', '生', '年'); '元/学期' → ('元', None, '学期'); '万元/公里' → ('万元',
    '公里', None); '元/人·次' → ('元', '人·次', None). The per unit is every part that is not a
    time unit (`TIME_UNITS`), joined by '·'; the time dimension the time parts. None when the unit
    is not money over something.
    """
    normal = normalise_unit(unit)
    if not normal:
        return None
    head, per = _split(normal)
    if head not in MONEY_UNITS or not per:
        return None
    times = [p for p in per if p in TIME_UNITS]
    others = [p for p in per if p not in TIME_UNITS]
    return head, "·".join(others) or None, "·".join(times) or None
