"""Progress bars for long commands: on a terminal only, silent with --quiet (CONTRACT.md)."""

import sys
from collections.abc import Iterable

from tqdm import tqdm


def progress(items: Iterable, *, total: int | None = None, desc: str = "", quiet: bool = False):
    disable = quiet or not sys.stderr.isatty()
    return tqdm(
        items,
        total=total,
        desc=desc,
        disable=disable,
        file=sys.stderr,
        unit="项",
        dynamic_ncols=True,
    )
