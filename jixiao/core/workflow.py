"""The one workflow engine (DESIGN.md, Workflow: one engine).

A reviewable document has a `status` field that only this module changes. Each document type
declares a `Workflow`: its states and transitions (name, allowed source states, target state,
the roles that may do it, whether a comment is required, and conditions). `perform()` is the
one service that moves a document: inside a transaction it locks the row, re-checks scope,
state, role, the year lock and the conditions, saves, and writes a `TransitionLog` row — the
review history users see. Two reviewers acting at once: the second finds the state changed and
gets a clear error; exactly one wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from . import audit

# A condition returns None when satisfied, or the reason (in Chinese) why not.
Condition = Callable[[object, object], str | None]


class TransitionError(Exception):
    """The transition cannot happen now; the message tells the user why."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    conditions: tuple[Condition, ...] = ()
    needs_comment: bool = False
    style: str = ""  # "primary" or "danger" for the button
    # Extra data the transition records (e.g. review grades): validated by the caller's form.

    def allowed_for(self, user) -> bool:
        return bool(set(self.roles) & set(getattr(user, "role_set", ())))


@dataclass
class Workflow:
    """States with their labels, and the transitions between them."""

    states: dict[str, str]
    transitions: list[Transition]
    # Returns a reason when the document may not change at all (a closed year, a superseded
    # version); applied to every transition.
    lock: Callable[[object], str | None] | None = None
    on_transition: list[Callable] = field(default_factory=list)

    def get(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise TransitionError(_("未知的操作：%(n)s") % {"n": name})

    def label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def problems(
        self, obj, user, transition: Transition, *, locked: str | None | bool = False
    ) -> list[str]:
        """Every reason the user cannot do this transition now (empty: allowed).
        `locked` passes an already computed lock reason (None: not locked)."""
        reasons = []
        if obj.status not in transition.sources:
            reasons.append(
                _("当前状态为“%(s)s”，不能%(t)s。")
                % {"s": self.label(obj.status), "t": transition.label}
            )
        if not transition.allowed_for(user):
            reasons.append(_("您的角色不能执行“%(t)s”。") % {"t": transition.label})
        if locked is False:
            locked = self.lock(obj) if self.lock is not None else None
        if locked:
            reasons.append(locked)
        if not reasons:
            reasons += [r for c in transition.conditions if (r := c(obj, user))]
        return reasons

    def available(self, obj, user) -> list[Transition]:
        """Transitions this user may do now: the only buttons the page offers."""
        candidates = [
            t for t in self.transitions if obj.status in t.sources and t.allowed_for(user)
        ]
        if not candidates:
            return []
        locked = self.lock(obj) if self.lock is not None else None
        return [t for t in candidates if not self.problems(obj, user, t, locked=locked)]


def perform(
    *,
    obj,
    name: str,
    actor,
    workflow: Workflow,
    comment: str = "",
    data: dict | None = None,
    before_save: Callable | None = None,
):
    """Move `obj` through transition `name`. Returns the saved, locked row.

    Raises Http404 when the actor cannot see the document (scope re-checked inside the
    transaction) and TransitionError for every other refusal.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update(of=("self",)).filter(pk=obj.pk).order_by().first()
        if locked is None or not model.objects.visible_to(actor).filter(pk=obj.pk).exists():
            raise Http404
        transition = workflow.get(name)
        if transition.needs_comment and not comment.strip():
            raise TransitionError(_("“%(t)s”必须填写理由。") % {"t": transition.label})
        reasons = workflow.problems(locked, actor, transition)
        if reasons:
            raise TransitionError(" ".join(reasons))
        source = locked.status
        locked.status = transition.target
        if before_save is not None:
            before_save(locked, transition)
        locked.save()
        log_transition(
            obj=locked,
            transition=transition.name,
            source=source,
            target=transition.target,
            actor=actor,
            comment=comment,
            data=data,
        )
        for hook in workflow.on_transition:
            hook(locked, transition, actor)
    return locked


def log_transition(
    *,
    obj,
    transition: str,
    source: str,
    target: str,
    actor,
    comment: str = "",
    data: dict | None = None,
):
    from .models import TransitionLog

    row = TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        transition=transition,
        source=source,
        target=target,
        actor=actor,
        comment=comment.strip()[:2000],
        data=data or {},
    )
    audit.record(
        action="action",
        instance=obj,
        before={"status": source},
        after={"status": target},
        message=f"{transition}: {comment.strip()[:400]}",
    )
    return row


def history_rows(obj, workflow: Workflow) -> list[dict]:
    """The review history with labels users read (填报完成, 草稿 → 待单位审核)."""
    names = {t.name: t.label for t in workflow.transitions}
    return [
        {
            "at": h.created_at,
            "actor": h.actor,
            "action": names.get(h.transition, h.transition),
            "source": workflow.label(h.source),
            "target": workflow.label(h.target),
            "comment": h.comment,
            "grades": (h.data or {}).get("grades") or {},
        }
        for h in history(obj)
    ]


def history(obj) -> Iterable:
    from .models import TransitionLog

    return (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
