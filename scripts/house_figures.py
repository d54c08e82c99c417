"""The house figures of a tree: lines of app code, large modules, file cycles and back-edges.

    .venv/bin/python scripts/house_figures.py [PATH_TO_A_CHECKOUT]

Counts non-test, non-migration Python under `jixiao/`. The import graph is the architecture
test's own (tests/test_architecture.py), pointed at the checkout given, so the figures of an old
commit (a `git worktree`) and of today are counted the same way. Near-duplicates come from the
`duplicates` tool of the development machine, not from here.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import test_architecture as arch  # noqa: E402


def figures(checkout: Path) -> dict:
    arch.PACKAGE = checkout / "jixiao"
    arch._modules.cache_clear()
    arch._all_imports.cache_clear()
    sizes = {
        str(path.relative_to(checkout)): len(path.read_text(encoding="utf-8").splitlines())
        for path in arch._modules().values()
    }
    try:
        back_edges = len({(arch._app_of(a), arch._app_of(b)) for a, b in arch._back_edges()})
    except ValueError:  # an app the stage list does not know (an older tree)
        back_edges = None
    return {
        "lines": sum(sizes.values()),
        "modules": len(sizes),
        "over_800": sorted(name for name, n in sizes.items() if n > 800),
        "file_cycles": len(arch._file_cycles()),
        "back_edges_between_apps": back_edges,
        "back_edge_imports": len(arch._back_edges()),
    }


if __name__ == "__main__":
    for key, value in figures(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT).resolve()).items():
        print(f"{key}: {value}")
