"""The one workflow engine (DESIGN.md, Workflow: one engine).

A reviewable document (`core.models.ReviewableDocument`) has a `status` field that only this
module changes. Each document type declares a `Workflow`: its states and transitions (name,
allowed source states, target state, the roles that may do it, whether a comment is required,
whether the actor attests the data, and conditions), the year lock and who may edit it.
`perform()` is the one service that moves a document: inside a transaction it locks the row,
re-checks scope, state, role, the lock and the conditions, stamps the submission or the return
reason, saves, and writes a `TransitionLog` row — the review history users see. Two reviewers
acting at once: the second finds the state changed and gets a clear error; exactly one wins.

A condition (or the lock) may carry a `q(user)` attribute: the same rule as a filter on the
documents, which `Workflow.waiting_q` combines into "what waits for this user". A condition
without one is a content check (missing indicators, lint findings): the document still waits
for the user, who has to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .changes import change_record
from .compiled import KeyedQuery
from .models import register_review_workflow
from .scope_read import ScopedRow

# A condition returns None when satisfied, or the reason (in Chinese) why not.
Condition = Callable[[object, object], str | None]


class TransitionError(Exception):
    """The transition cannot happen now; the message tells the user why."""


def with_q(q: Callable[[object], Q]) -> Callable[[Condition], Condition]:
    """Give a condition (or a lock) its filter form: `q(user)` selects the documents for which
    the condition holds, so that queues agree with the buttons."""

    def attach(condition: Condition) -> Condition:
        condition.q = q
        return condition

    return attach


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
    # The actor confirms the data are true and accurate; the engine stamps who and when.
    attest: bool = False
    # A return to the unit: the comment becomes the document's return reason.
    is_return: bool = False
    # Undoing one's own step (reopen, withdraw): a button, but nothing waits for it.
    undo: bool = False
    # Extra data the transition records (e.g. review grades): validated by the caller's form.

    def allowed_for(self, user) -> bool:
        return bool(set(self.roles) & set(getattr(user, "role_set", ())))


def step(name, label, source, target, roles, *conditions, **options) -> Transition:
    """One row of a workflow's step table: from a state (or a frozenset of them) to another,
    for `roles`, under `conditions`; a primary button unless `options` say otherwise."""
    sources = source if isinstance(source, frozenset) else frozenset({source})
    options.setdefault("style", "primary")
    return Transition(name, label, sources, target, roles, conditions, **options)


def send_back(name, label, source, target, roles, *conditions) -> Transition:
    """A return to the one who did the work, with the reason (a comment is required)."""
    return step(
        name, label, source, target, roles, *conditions,
        needs_comment=True, style="danger", is_return=True,
    )  # fmt: skip


def next_step(workflow, document, user) -> str:
    """The step the user is to take next, to name a to-do: the first forward step from the
    document's state that the user's roles allow (its conditions may still be unmet: assigning
    experts before accepting, say), never a return or an undo."""
    for t in workflow.transitions:
        if document.status in t.sources and t.allowed_for(user):
            if not (t.is_return or t.undo):
                return str(t.label)
    return ""


@dataclass
class Workflow:
    """States with their labels, the transitions between them, the lock and the edit rule."""

    states: dict[str, str]
    transitions: list[Transition]
    # Returns a reason when the document may not change at all (a closed year, a superseded
    # version); applied to every transition and to editing.
    lock: Callable[[object], str | None] | None = None
    on_transition: list[Callable] = field(default_factory=list)
    # Editing the content: in these states, by those `editor` lets (None: no one is refused).
    editable: frozenset[str] = frozenset()
    editor: Condition | None = None
    edit_state_refusal: str = gettext_lazy("当前状态为“%(s)s”，不能修改。")
    # The model this workflow moves; its `review_workflow()` answers with this workflow.
    document: type | None = None

    def __post_init__(self) -> None:
        if self.document is not None:
            register_review_workflow(self.document, self)

    def get(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise TransitionError(_("未知的操作：%(n)s") % {"n": name})

    def label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def lock_reason(self, obj) -> str | None:
        return self.lock(obj) if self.lock is not None else None

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
            locked = self.lock_reason(obj)
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
        locked = self.lock_reason(obj)
        return [t for t in candidates if not self.problems(obj, user, t, locked=locked)]

    def blocked(self, obj, user) -> list[tuple[Transition, list[str]]]:
        """The steps this user would take next from this state (undoes aside) but may not yet,
        each with every reason (a condition, a closed year): a page says why instead of
        offering no button, as the filer of a half-filled report saw before."""
        candidates = [
            t
            for t in self.transitions
            if obj.status in t.sources and t.allowed_for(user) and not t.undo
        ]
        if not candidates:
            return []
        locked = self.lock_reason(obj)
        return [
            (t, reasons)
            for t in candidates
            if (reasons := self.problems(obj, user, t, locked=locked))
        ]

    def waiting_q(self, user) -> Q:
        """The documents waiting for this user: some transition (not an undo) leaves their
        state, the user's roles allow it, every condition with a filter form holds and the lock
        does not apply. Derived from the table, so the queue agrees with the buttons."""
        waiting = Q(pk__in=[])
        for t in self.transitions:
            if t.undo or not t.allowed_for(user):
                continue
            step = Q(status__in=sorted(t.sources))
            for condition in t.conditions:
                if hasattr(condition, "q"):
                    step &= condition.q(user)
            waiting |= step
        if hasattr(self.lock, "q"):
            waiting &= self.lock.q(user)
        return waiting

    def edit_problem(self, obj, user) -> Exception | None:
        """Why this user may not change the document's content now, as the error to raise:
        PermissionDenied when they are not its editor, ValidationError when it is locked or in
        a state that does not edit. None: they may."""
        refusal = self.editor(obj, user) if self.editor is not None else None
        if refusal:
            return PermissionDenied(refusal)
        refusal = self.lock_reason(obj)
        if refusal:
            return ValidationError(refusal)
        if obj.status not in self.editable:
            return ValidationError(str(self.edit_state_refusal) % {"s": self.label(obj.status)})
        return None

    def edit_refusal(self, obj, user) -> str | None:
        """The one "may this user edit it" check: None, or the reason why not."""
        problem = self.edit_problem(obj, user)
        if problem is None:
            return None
        return problem.messages[0] if isinstance(problem, ValidationError) else str(problem)

    def require_editable(self, obj, user) -> None:
        """Services call this before changing a document's content."""
        problem = self.edit_problem(obj, user)
        if problem is not None:
            raise problem


def perform(
    *,
    obj,
    name: str,
    actor,
    workflow: Workflow,
    comment: str = "",
    data: dict | None = None,
    before_save: Callable | None = None,
    attest: bool = False,
):
    """Move `obj` through transition `name`. Returns the saved, locked row.

    A transition declared with `attest` needs `attest=True` (the actor confirms the data) and
    stamps `submitted_at` and `attested_by` and clears the return reason; a return stores the
    comment as the return reason. `before_save` adds the document's own extras.

    Raises Http404 when the actor cannot see the document (scope re-checked inside the
    transaction) and TransitionError for every other refusal.
    """
    model = type(obj)
    with transaction.atomic():
        # One read locks the row and re-checks the scope (none: 404), with the region the
        # year lock reads unless the caller's document brings it.
        region = next((f for f in model._meta.concrete_fields if f.name == "region"), None)
        with_region = region is not None and region.is_relation and not region.is_cached(obj)
        locked = _locked_read(model, with_region).get(actor, obj.pk)
        if locked is None:
            raise Http404
        _reuse_related(locked, obj)
        audit.loaded_locked(locked)  # its save's audit needs not read the row again
        transition = workflow.get(name)
        if transition.attest and not attest:
            raise TransitionError(_("提交前须确认所填数据真实、准确。"))
        if transition.needs_comment and not comment.strip():
            raise TransitionError(_("“%(t)s”必须填写理由。") % {"t": transition.label})
        reasons = workflow.problems(locked, actor, transition)
        if reasons:
            raise TransitionError(" ".join(reasons))
        source = locked.status
        locked.status = transition.target
        _stamp(locked, transition, actor, comment)
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


# The locked read of each document model, with and without its region: SQL compiled once a
# process for each shape of scope (core/scope_read.py), not built through the ORM every step.
_LOCKED_READS: dict[tuple[type, bool], ScopedRow] = {}


def _locked_read(model: type, with_region: bool) -> ScopedRow:
    read = _LOCKED_READS.get((model, with_region))
    if read is None:

        def make():
            rows = model.objects.select_for_update(of=("self",))
            return rows.select_related("region") if with_region else rows

        read = _LOCKED_READS[(model, with_region)] = ScopedRow(make)
    return read


def _reuse_related(locked, obj) -> None:
    """The rows the caller read with the document (its region, project, unit, round: what the
    checks, the audit's name of the row and the change feed read) serve the locked row too
    when it points to the same ones, instead of a query each."""
    for link in type(obj)._meta.concrete_fields:
        if (
            link.many_to_one
            and link.is_cached(obj)
            and getattr(locked, link.attname) == getattr(obj, link.attname)
            and not link.is_cached(locked)
        ):
            link.set_cached_value(locked, link.get_cached_value(obj))


def _stamp(row, transition: Transition, actor, comment: str) -> None:
    if transition.attest:
        row.submitted_at, row.attested_by, row.return_reason = timezone.now(), actor, ""
    if transition.is_return:
        row.return_reason = comment.strip()


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
    change_record(obj, state=target)  # the change feed, for documents of a feed kind
    return row


def _history_query(content_type_id, object_id):
    from .models import TransitionLog

    return (
        TransitionLog.objects.filter(content_type_id=content_type_id, object_id=object_id)
        .order_by("created_at", "id")
        .values_list(
            "created_at",
            "actor__full_name",
            "actor__username",
            "transition",
            "source",
            "target",
            "comment",
            "data",
        )
    )


# Every document page draws its review history: the columns it shows, with SQL compiled once a
# process (core/compiled.py), instead of the steps with their whole users through the ORM.
_HISTORY = KeyedQuery(_history_query, 30001, 30002)


def history_rows(obj, workflow: Workflow) -> list[dict]:
    """The review history with labels users read (填报完成, 草稿 → 待单位审核); the actor as
    an account shows itself (its name, else its account name)."""
    names = {t.name: t.label for t in workflow.transitions}
    content_type = ContentType.objects.get_for_model(type(obj))
    return [
        {
            "at": at,
            "actor": full_name or username or "",
            "action": names.get(transition, transition),
            "source": workflow.label(source),
            "target": workflow.label(target),
            "comment": comment,
            "grades": (data or {}).get("grades") or {},
        }
        for at, full_name, username, transition, source, target, comment, data in _HISTORY.all(
            content_type.pk, obj.pk
        )
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
