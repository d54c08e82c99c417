"""Checks the budget gate asks before money is arranged for a project (DOMAIN.md §4.5).

The gate lives in `targets`, but later stages may also have a say: an ex-ante assessment's
conclusion (evaluations), a "cancel" linkage decision (results). Imports run towards earlier
stages only (DESIGN.md), so a later stage registers a check here when it starts and the gate
asks every registered check without knowing who they are, as menus and to-dos do.
"""

from __future__ import annotations

from collections.abc import Callable

# check(project, year) → why the project may not be arranged, or None (or "") to let it pass
GateCheck = Callable[[object, int], str | None]

_GATE_CHECKS: list[GateCheck] = []


def register_gate_check(check: GateCheck) -> GateCheck:
    """Add a check (usable as a decorator); registering the same function twice adds it once."""
    if check not in _GATE_CHECKS:
        _GATE_CHECKS.append(check)
    return check


def unregister_gate_check(check: GateCheck) -> None:
    if check in _GATE_CHECKS:
        _GATE_CHECKS.remove(check)


def gate_refusals(project, year: int) -> list[str]:
    """The reasons, in registration order, why the registered checks refuse the project."""
    return [str(reason) for check in _GATE_CHECKS if (reason := check(project, year))]
