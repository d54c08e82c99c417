"""The charts of the annual work summary (DOMAIN.md §9) as PNG images, drawn with matplotlib.

Word has no chart engine that python-docx can drive, so the summary's charts are pictures. The
labels are Chinese when a CJK font is found on the machine (fontconfig's choice for Chinese
sans-serif, else any CJK font matplotlib knows); without one the charts still render, with the
ASCII labels the callers pass beside the Chinese ones, and a warning goes to the log (stderr).
The Word captions under the pictures stay Chinese either way.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

#: A character every font fit for the summary must have (绩, as in 绩效).
_PROBE = 0x7EE9
_CJK_NAMES = re.compile(
    r"CJK|Hei|Song|Kai|Fang|Ming|WenQuanYi|Fallback|Source Han|"
    r"PingFang|YaHei|Sim|Noto Sans SC|Noto Serif SC",
    re.IGNORECASE,
)
_BLUE, _RED, _ORANGE, _GREY = "#2f5597", "#c00000", "#ed7d31", "#7f7f7f"


@dataclass(frozen=True)
class Label:
    """A label in Chinese, and its ASCII stand-in for a machine without a CJK font."""

    zh: str
    ascii: str


def _covers_cjk(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        return FT2Font(path).get_char_index(_PROBE) != 0
    except (OSError, RuntimeError, ValueError):
        return False


def _fontconfig_choice() -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = found.stdout.strip()
    return path if path and Path(path).is_file() else None


@functools.cache
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs, or None (looked up once per process)."""
    path = _fontconfig_choice()
    if path and _covers_cjk(path):
        return path
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if _CJK_NAMES.search(entry.name) and _covers_cjk(entry.fname):
            return entry.fname
    logger.warning("未找到中文字体：工作总结的图表将以英文或代码标注（可安装 fonts-noto-cjk）。")
    return None


def _font():
    from matplotlib.font_manager import FontProperties

    path = cjk_font_path()
    return FontProperties(fname=path) if path else None


def _text(label: Label | str, font) -> str:
    if isinstance(label, Label):
        return label.zh if font else label.ascii
    return label


def bar_chart(
    labels: Sequence[Label | str],
    values: Sequence,
    *,
    colors=None,
    horizontal: bool = False,
    percent: bool = False,
    value_axis: Label | str = "",
    limit: float | None = None,
    size: tuple[float, float] = (6.4, 3.2),
) -> bytes:
    """One bar chart as PNG bytes, each bar labelled with its value ("49.54%" with `percent`,
    where the values are percentages already); `limit` fixes the value axis (e.g. 100%)."""
    from matplotlib.figure import Figure

    font = _font()
    names = [_text(label, font) for label in labels]
    numbers = [float(v) for v in values]  # drawing only: the figures themselves stay Decimal
    figure = Figure(figsize=size, dpi=150, layout="constrained")
    axes = figure.subplots()
    colors = colors or [_BLUE] * len(numbers)
    if horizontal:
        bars = axes.barh(names[::-1], numbers[::-1], color=colors[::-1])
    else:
        bars = axes.bar(names, numbers, color=colors, width=0.6)
    texts = [f"{v:.2f}%" if percent else f"{v:g}" for v in numbers]
    axes.bar_label(bars, labels=texts[::-1] if horizontal else texts, padding=2, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    (axes.xaxis if horizontal else axes.yaxis).get_major_locator().set_params(integer=not percent)
    axes.margins(x=0.12) if horizontal else axes.margins(y=0.15)
    if limit is not None:
        (axes.set_xlim if horizontal else axes.set_ylim)(0, max([limit, *numbers]) * 1.08)
    if value_axis:
        setter = axes.set_xlabel if horizontal else axes.set_ylabel
        setter(_text(value_axis, font), fontproperties=font)
    for tick in axes.get_xticklabels() + axes.get_yticklabels():
        if font:
            tick.set_fontproperties(font)
        tick.set_fontsize(9)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


PALETTE = {"blue": _BLUE, "red": _RED, "orange": _ORANGE, "grey": _GREY}
