"""Deadlines written in indicator values (DOMAIN.md §4.2): '12月底前完成', '年底', '2021年12月完成',
'2023年第三季度', '6月下旬', ranges taking their end.

A pure module: standard library only, no Django. `parse_when` reads the date a 时效 target or an
actual completion gives; `values` builds target and actual values on it.
"""

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

__all__ = ["When", "chinese_int", "parse_when"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}


def chinese_int(s: str) -> int | None:
    """A simple Chinese numeral ('十五', '一百零五', '两', '二〇二一') as int, else None."""
    if not s or any(c not in _CN_DIGITS and c not in _CN_MULTIPLIERS for c in s):
        return None
    if all(c in _CN_DIGITS for c in s):
        return int("".join(str(_CN_DIGITS[c]) for c in s)) if len(s) in (1, 4) else None
    total, current, last = 0, None, 10**6
    for c in s:
        if c in _CN_MULTIPLIERS:
            mult = _CN_MULTIPLIERS[c]
            if mult >= last:
                return None
            total += (1 if current is None else current) * mult
            current, last = None, mult
        elif _CN_DIGITS[c] == 0:
            continue
        elif current is not None:
            return None
        else:
            current = _CN_DIGITS[c]
    return total + (current or 0)


@dataclass(frozen=True)
class When:
    """A date read from a value: its pattern, where it ends in the text, its year, the last day
    it allows (None, with the problem, when it has no year or does not exist)."""

    kind: str
    end: int
    year: int | None
    value: date | None
    problem: str | None
    year_written: bool = True
    in_range: bool = False


_WHEN_PATTERNS = (
    ("xun", re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<x>上|中|下)旬")),
    ("ymd", re.compile(r"(?P<y>\d{4})(?P<s>[.\-/])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)")),
    ("ymd", re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?")),
    ("ym", re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月份?")),
    ("ym", re.compile(r"(?P<y>\d{4})[\-/](?P<m>\d{1,2})(?![\d\-/.])")),
    ("ym.", re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})(?![\d.])")),
    ("md", re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]")),
    ("m", re.compile(r"(?P<m>\d{1,2})月份?")),
    ("half", re.compile(r"(?:(?P<y>\d{4})年)?(?P<h>上|下)半年")),
    ("quarter", re.compile(r"(?:(?P<y>\d{4})年)?第?(?P<q>[1-4一二三四])季度")),
    ("year", re.compile(r"(?P<y>\d{4})年度?(?:全年|年底|年末|底|末|内)?")),
    ("year", re.compile(r"(?:本|当|今)?年度?(?:底|末|内)|本年度|当年度?|本年")),
)
_STRICT_KINDS = ("ymd", "ym")
_NEEDS_MARKER = ("m", "ym.")
_RANGE_SEP_RE = re.compile(r"[-~—–至到]+")
_MONTH_RANGE_RE = re.compile(r"(?<!\d)(\d{1,2})[-~—–至到]+(\d{1,2})月")
_CN_MONTH_RE = re.compile(r"([零〇一二两三四五六七八九十]{1,3})(?=月|日|号)")
_CN_YEAR_RE = re.compile(r"([零〇一二三四五六七八九]{4})(?=年)")
_DEADLINE_PREFIXES = sorted(
    "不晚于 不迟于 截止到 截至到 截止 截至 计划于 计划在 预计于 预计在 力争于 力争在 确保于 确保在 "
    "要求于 于 在 到 预计 计划 力争 确保".split(),
    key=len,
    reverse=True,
)
# The end words after a date; what follows them is the rest (`_tail_ok`).
_TAIL_HEAD_RE = re.compile(r"(?:底|末)?(?:之前|以前|前|止|为止|以内|之内|内)?")
# "12月底前100%到位", "年底前全部完成": how much is done by then, before the completion word.
_WHOLLY_RE = re.compile(r"^(?:100%|百分之百|全部|全额|全面)")
_DONE_RE = re.compile(
    "完成|完工|竣工|办结|结束|完毕|建成|验收|到位|支付|拨付|交付|实施|启动|开工|上线|投用|投入使用"
    "|发放|兑付|运行|结算|落实|采购|招标|开展|举办|提交|报送|印发|出台|执行"
)


def _end_of_month(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _when_date(kind: str, g: dict, year: int) -> date:
    """The last day the token allows (DOMAIN.md §4.2: a month means its last day)."""
    if kind == "ymd" or kind == "md":
        return date(year, int(g["m"]), int(g["d"]))
    if kind in ("ym", "ym.", "m"):
        return _end_of_month(year, int(g["m"]))
    if kind == "xun":  # 上旬 ends on the 10th, 中旬 on the 20th, 下旬 with the month
        end = _end_of_month(year, int(g["m"]))
        return end.replace(day={"上": 10, "中": 20}.get(g["x"], end.day))
    if kind == "half":
        return date(year, 6, 30) if g["h"] == "上" else date(year, 12, 31)
    if kind == "quarter":
        q = "1234".find(g["q"]) + 1 or "一二三四".find(g["q"]) + 1
        return _end_of_month(year, 3 * q)
    return date(year, 12, 31)


def _match_when(s: str, pos: int, default_year: int | None, strict: bool) -> When | None:
    """One date token at `pos` ('2021年12月', '12月', '年底', '2023.07', '2021-12-31')."""
    for kind, pattern in _WHEN_PATTERNS:
        if strict and kind not in _STRICT_KINDS:
            continue
        m = pattern.match(s, pos)
        if not m:
            continue
        g = m.groupdict()
        written = bool(g.get("y"))
        year = int(g["y"]) if g.get("y") else default_year
        if year is None:
            return When(kind, m.end(), None, None, "没有写年份，且未给出预算年度", False)
        try:
            return When(kind, m.end(), year, _when_date(kind, g, year), None, written)
        except ValueError:
            return When(kind, m.end(), year, None, f"日期“{m.group()}”不存在", written)
    return None


def _tail_ok(tail: str) -> bool:
    """What may follow a date: 底/末, 前/以前/内, and a completion phrase ('前完成建设')."""
    rest = _WHOLLY_RE.sub("", _TAIL_HEAD_RE.sub("", tail, count=1))
    return not rest or bool(re.fullmatch(r"[\u4e00-\u9fff]+", rest) and _DONE_RE.search(rest))


def parse_when(
    clean: str, default_year: int | None, timeliness: bool, strict: bool = False
) -> When | None:
    """A deadline date (§4.2): '12月底前完成', '年底', '2021年12月完成', ranges take their end.

    A bare 'N月' or '2023.07' is a date only with a marker (底, 前, 完成 ...), in a range, or
    under a 时效 subcategory; otherwise it is a number of months or a decimal.
    """
    s = _CN_YEAR_RE.sub(lambda m: str(chinese_int(m.group(1))), clean)
    s = _CN_MONTH_RE.sub(lambda m: str(chinese_int(m.group(1)) or m.group(1)), s)
    s = _MONTH_RANGE_RE.sub(r"\1月-\2月", s)
    for prefix in _DEADLINE_PREFIXES:
        if s.startswith(prefix):
            s = s[len(prefix) :]
            break
    first = _match_when(s, 0, default_year, strict)
    if first is None:
        return None
    found, in_range = first, False
    sep = _RANGE_SEP_RE.match(s, first.end)
    if sep:
        second = _match_when(s, sep.end(), first.year or default_year, strict)
        if second is not None:
            found, in_range = second, True
    tail = s[found.end :]
    if not _tail_ok(tail):
        return None
    if not (tail or in_range or timeliness) and (
        first.kind in _NEEDS_MARKER or found.kind in _NEEDS_MARKER
    ):
        return None
    return replace(found, in_range=in_range, year_written=first.year_written)
