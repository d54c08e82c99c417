"""What changed, for the systems that follow Jixiao (the change feed, `GET /api/v1/changes`).

A budget system needs to know, in order and without polling every list, when a target is
approved, returned or adjusted, when the budget gate arranges a project, when funds are
suspended, and when results are decided or published (CONTRACT.md `changes`). The
services that make those changes call `change_record` (or `changes_record` for a bulk change)
inside their transaction, so a change is in the feed exactly when the change itself is
committed. Workflow transitions need no call of their own: `core.workflow.log_transition`
records every transition of a model registered with `register_feed_kind`.

Core keeps no rows itself: the API app registers the sink that stores them (`register_sink`),
and a stage app registers its models' kinds, so core knows neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

#: model class → the kind its changes carry in the feed ("target", "rectification", …)
FEED_KINDS: dict[type, str] = {}
#: kind → model class, for the feed's scope (a change is shown to whoever may see its object)
FEED_MODELS: dict[str, type] = {}
_SINKS: list[Callable[[list[ChangeNote]], None]] = []


@dataclass(frozen=True)
class ChangeNote:
    """One change as the services describe it; the sink stores it with its time and place."""

    kind: str
    obj: object
    state: str
    data: dict = field(default_factory=dict)


def register_feed_kind(model: type, kind: str) -> None:
    """Changes of `model` appear in the feed as `kind`; its workflow transitions are recorded
    by `log_transition` without further calls."""
    FEED_KINDS[model] = kind
    FEED_MODELS[kind] = model


def register_model_kind(model: type, kind: str) -> None:
    """A kind whose changes the services record themselves (not workflow transitions): the
    budget gate on projects, fund suspensions on alerts."""
    FEED_MODELS[kind] = model


def register_sink(sink: Callable[[list[ChangeNote]], None]) -> None:
    if sink not in _SINKS:
        _SINKS.append(sink)


def change_record(obj, *, state: str, kind: str | None = None, data: dict | None = None) -> None:
    """Record that `obj` is now in `state` (a transition's target, "arranged", "suspended" …).
    Without `kind`, only objects of a registered feed kind are recorded."""
    kind = kind or FEED_KINDS.get(type(obj))
    if kind is None:
        return
    _emit([ChangeNote(kind, obj, str(state), data or {})])


def changes_record(objs: Iterable, *, kind: str, state: str, data=None) -> None:
    """The same change of many objects (a bulk update); `data(obj)` gives each one's extras."""
    notes = [ChangeNote(kind, o, str(state), data(o) if data else {}) for o in objs]
    if notes:
        _emit(notes)


def _emit(notes: list[ChangeNote]) -> None:
    for sink in _SINKS:
        sink(notes)
