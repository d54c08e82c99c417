"""The left menu by lifecycle stage and the home page's to-do list (待办).

Stage apps register their menu entries and to-do providers when they start; core only keeps
the registry, so it knows nothing about the stages themselves (DESIGN.md: core uses none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The lifecycle of DOMAIN.md §1, in order; an app names the stage its entries belong to.
STAGES = [
    ("home", _("工作台")),
    ("master", _("基础数据")),
    ("targets", _("绩效目标")),
    ("monitoring", _("运行监控")),
    ("evaluations", _("绩效评价")),
    ("results", _("结果运用")),
    ("disclosure", _("信息公开")),
    ("reports", _("统计分析")),
    ("system", _("系统管理")),
]


@dataclass(frozen=True)
class MenuItem:
    stage: str
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every signed-in user
    order: int = 100

    def allowed(self, user) -> bool:
        return not self.roles or bool(self.roles & user.role_set)


@dataclass(frozen=True)
class Todo:
    """One thing the user should do, with its deadline if there is one."""

    title: str
    url: str
    stage: str = "home"
    deadline: object | None = None
    detail: str = ""
    urgent: bool = False
    overdue: bool = False  # set by `todos_for` from the deadline, never by a provider


def queue_menu_item(stage: str, url_name: str, *, roles: frozenset[str], order: int) -> MenuItem:
    """A stage's "待我处理" entry: its review queue, for the roles that act on it."""
    return MenuItem(stage, _("待我处理"), url_name, roles=roles, order=order)


_MENU: list[MenuItem] = []
_TODO_PROVIDERS: list[Callable] = []


def register_menu(*items: MenuItem) -> None:
    for item in items:
        if item not in _MENU:
            _MENU.append(item)


def register_todos(provider: Callable) -> None:
    """`provider(user, region, year) -> list[Todo]`, called for the home page."""
    if provider not in _TODO_PROVIDERS:
        _TODO_PROVIDERS.append(provider)


# The stored value of a returned document's status, shared by every review workflow
# (`core.models.ReviewableDocument`): a returned document is the filer's urgent to-do.
RETURNED = "returned"


def queue_todos(
    rows,
    *,
    labels: Mapping[str, str] | Callable[[object], str | None],
    url_name: str,
    stage: str,
    subject: Callable[[object], str] = lambda row: row.project.name,
    deadline: Callable[[object], object] = lambda row: None,
    detail: Callable[[object], str] = lambda row: row.return_reason or row.unit.name,
    urgent: Callable[[object], bool] = lambda row: row.status == RETURNED,
    limit: int = 50,
) -> list[Todo]:
    """A stage's queue of documents (`rows`, a queryset or a list) as to-dos, the first
    `limit` of them: "<label>：<subject>" linking to `url_name` with the row's pk. `labels`
    gives the label by the row's status (its status label where it has none), or is a function
    of the row (its workflow's next step for the user, say) that returns nothing for a row to
    leave out. The row's subject is its project's name, its detail the return reason or else
    the unit's name, and it is urgent when returned, unless the stage says otherwise."""

    def label_of(row) -> str | None:
        if callable(labels):
            return labels(row)
        return labels.get(row.status) or row.get_status_display()

    todos = []
    for row in rows[:limit]:
        if not (label := label_of(row)):
            continue
        todos.append(
            Todo(
                title=_("%(t)s：%(n)s") % {"t": label, "n": subject(row)},
                url=reverse(url_name, args=[row.pk]),
                stage=stage,
                deadline=deadline(row),
                detail=detail(row),
                urgent=urgent(row),
            )
        )
    return todos


def menu_for(user) -> list[tuple[str, str, list[MenuItem]]]:
    groups = []
    for key, label in STAGES:
        items = sorted(
            (i for i in _MENU if i.stage == key and i.allowed(user)), key=lambda i: i.order
        )
        if items:
            groups.append((key, label, items))
    return groups


def todos_for(user, region, year, *, today: dt.date | None = None) -> list[Todo]:
    """Every stage's to-dos of `user`: the urgent first (returned documents, alerts, and
    anything past its deadline), then by deadline."""
    today = today or timezone.localdate()
    todos: list[Todo] = []
    for provider in _TODO_PROVIDERS:
        todos += (_past_deadline(todo, today) for todo in provider(user, region, year))
    return sorted(todos, key=lambda t: (not t.urgent, t.deadline is None, str(t.deadline or "")))


def _past_deadline(todo: Todo, today: dt.date) -> Todo:
    """A to-do whose deadline has passed is overdue, and so urgent: it is late already, and
    its row says so."""
    deadline = todo.deadline
    if isinstance(deadline, dt.datetime):
        deadline = deadline.date()
    if isinstance(deadline, dt.date) and deadline < today:
        return replace(todo, urgent=True, overdue=True)
    return todo


# Panels: later stages add a section to an earlier stage's page (the project page shows its
# target and the budget gate) without the earlier app importing the later one.
_PANELS: dict[str, list[Callable]] = {}


def register_panel(page: str, render: Callable) -> None:
    """`render(request, obj) -> str` (HTML) appended to `page` ("project", ...)."""
    _PANELS.setdefault(page, [])
    if render not in _PANELS[page]:
        _PANELS[page].append(render)


def panels_for(page: str, request, obj) -> list[str]:
    return [render(request, obj) for render in _PANELS.get(page, [])]
