"""What an indicator measures (DOMAIN.md §4.4): T19–T22.

A pure module (DESIGN.md, Pure rules): category mismatch (T19), an input counted as an output
(T20), a rate above 100% (T21), an annual target restating the long-term one (T22). None of them
blocks. Word lists come from the rulebook's "lint" section (jixiao.targets.rules).
"""

from collections.abc import Callable

from .lint_base import Finding, _View

#: The checks of this module, in code order; `jixiao.targets.lint` runs them after T01–T18.
MEANING_CHECKS: tuple[Callable[[_View], list[Finding]], ...] = ()
