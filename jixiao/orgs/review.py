"""Who reviews a unit's documents (DOMAIN.md §4.5): the role sets, the unit and office
conditions and the common review path every stage document follows.

draft/returned ─complete─► ready ─submit─► submitted ─pass─► first_passed ─<final>─► <done>
returns (with a reason) from the two review states go back to `returned`, which edits like a
draft; the filer or leader may reopen a ready document, the leader may withdraw a submission.
A stage declares its document with `unit_review_workflow()`, its own checks and its lock
(`budgets.locks.year_lock`).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.compiled import KeyedQuery
from jixiao.core.workflow import Condition, Transition, Workflow, with_q

from .models import Role, UnitYear, units_of_offices

FILER = frozenset({Role.FILER})
LEADER = frozenset({Role.LEADER})
BUSINESS = frozenset({Role.BUSINESS})
BUDGET = frozenset({Role.BUDGET})

# The states every unit document shares (stored values; each stage labels its own).
DRAFT, READY, SUBMITTED, FIRST_PASSED, RETURNED = (
    "draft",
    "ready",
    "submitted",
    "first_passed",
    "returned",
)
EDITABLE = frozenset({DRAFT, RETURNED})

NOTHING = Q(pk__in=[])


@with_q(lambda user: Q(unit_id=user.unit_id) if user.unit_id else NOTHING)
def own_unit(document, user) -> str | None:
    """Unit staff act on their own unit's documents (not on a level-2 unit's)."""
    return None if user.unit_id == document.unit_id else _("只能处理本单位的填报材料。")


def _office_q(user) -> Q:
    if not user.office_id:
        return NOTHING
    return units_of_offices({user.office_id}, unit_ref="unit", year_ref="year")


@with_q(_office_q)
def office_of_unit(document, user) -> str | None:
    """A business office reviews the units assigned (归口) to it in the document's year."""
    row = _UNIT_OFFICE.first(document.unit_id, document.year)
    office = row[0] if row else None
    return None if office and office == user.office_id else _("该单位不归口您所在的股室。")


#: The unit's office in the year (one row at most: a unit has one row a year), by SQL compiled
#: once a process: asked on every business office's step, where building the query through the
#: ORM cost more CPU than the database's answer.
_UNIT_OFFICE = KeyedQuery(
    lambda unit_id, year: (
        UnitYear.objects.filter(unit_id=unit_id, year=year).order_by().values_list("office_id")[:1]
    ),
    30001,
    30002,
)


def unit_filer(refusal: str) -> Condition:
    """The edit rule's "who": a filer of the document's unit (or of its parent unit, which
    files on its behalf). `refusal` names the document."""

    def may_edit(document, user) -> str | None:
        if user.has_role(Role.FILER) and document.unit_id in user.get_scope().unit_ids:
            return None
        return str(refusal)

    return may_edit


def unit_review_workflow(
    *,
    document,
    status,
    final: tuple[str, str, str],
    lock,
    checks: tuple[Condition, ...] = (),
    pass_label: str = gettext_lazy("初审通过"),
    submit_checks: tuple[Condition, ...] = (),
    final_checks: tuple[Condition, ...] = (),
    after_submit: tuple[Transition, ...] = (),
    extra: tuple[Transition, ...] = (),
    edit_refusal: str = "",
    state_refusal: str = "",
) -> Workflow:
    """The common review path of a unit document.

    `document` is the model, `status` its TextChoices; `final` = (name, label, done state) is
    the budget office's closing step; `lock` refuses every change (a closed year). `checks` are the content conditions completing and submitting need
    (`submit_checks` only submitting, `final_checks` only the final step). `after_submit` and
    `extra` add the stage's own transitions after submitting and at the end (targets: parent
    review, reject). `edit_refusal`/`state_refusal` word the edit rule for this document."""
    final_name, final_label, done = final
    table = [
        Transition(
            "complete",
            gettext_lazy("填报完成"),
            EDITABLE,
            READY,
            FILER,
            (own_unit, *checks),
            style="primary",
        ),
        Transition(
            "reopen",
            gettext_lazy("退回填报人"),
            frozenset({READY}),
            DRAFT,
            LEADER | FILER,
            (own_unit,),
            undo=True,
        ),
        Transition(
            "submit",
            gettext_lazy("确认并提交"),
            frozenset({READY}),
            SUBMITTED,
            LEADER,
            (own_unit, *submit_checks, *checks),
            style="primary",
            attest=True,
        ),
        *after_submit,
        Transition(
            "pass",
            pass_label,
            frozenset({SUBMITTED}),
            FIRST_PASSED,
            BUSINESS,
            (office_of_unit,),
            style="primary",
        ),
        review_return("return_first", SUBMITTED, BUSINESS, (office_of_unit,)),
        Transition(
            final_name,
            final_label,
            frozenset({FIRST_PASSED}),
            done,
            BUDGET,
            tuple(final_checks),
            style="primary",
        ),
        review_return("return_final", FIRST_PASSED, BUDGET),
        *extra,
    ]
    optional = {}
    if edit_refusal:
        optional["editor"] = unit_filer(edit_refusal)
    if state_refusal:
        optional["edit_state_refusal"] = state_refusal
    return Workflow(
        states=dict(status.choices),
        transitions=table,
        lock=lock,
        document=document,
        editable=EDITABLE,
        **optional,
    )


def review_return(name: str, source: str, roles, conditions=()) -> Transition:
    """A reviewer's return to the unit: a reason is required and becomes the return reason."""
    return Transition(
        name,
        gettext_lazy("退回"),
        frozenset({source}),
        RETURNED,
        roles,
        tuple(conditions),
        needs_comment=True,
        style="danger",
        is_return=True,
    )


def withdraw(*sources: str) -> Transition:
    """The leader takes a submission back before anyone reviewed it."""
    return Transition(
        "withdraw",
        gettext_lazy("撤回"),
        frozenset(sources),
        DRAFT,
        LEADER,
        (own_unit,),
        undo=True,
    )
