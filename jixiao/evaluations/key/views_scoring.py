"""Expert scoring pages (比对打分), phone first, for any scoring panel.

`score_page(request, panel=, back_url=, subject=, evidence="")` is the expert's sheet of a
panel, with the score a rate indicator's rule suggests beside the expert's own (`rate_inputs`):
the key evaluation's page `key-score` uses it, and so can the ex-ante assessment's
(with its own subject, back link and evidence HTML). `panel-agree` records the office's
discussion of a flagged indicator of any panel the user can see; `scoring_table(request,
panel, back_url)` renders the raw scores (indicator × expert) and the results for a
document's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jixiao.core import attachments
from jixiao.core.views import error_text, safe_back

from . import selectors
from .models import PanelIndicator, ScoringPanel
from .rate_inputs import rate_rows
from .scoring_service import (
    discussion_save,
    office_refusal,
    open_refusal,
    panel_owner,
    raw_table,
    score_sheet,
    scores_save,
)

T = "evaluations/key/"


def _posted_values(post, panel) -> dict:
    return {
        i.pk: (post.get(f"score-{i.pk}", ""), post.get(f"reason-{i.pk}", ""))
        for i in panel.indicators.all()
    }


def score_page(request, *, panel: ScoringPanel, back_url: str, subject: str, evidence: str = ""):
    """The expert's sheet: each indicator with its 评分标准, a score and a reason; save a draft
    or submit once. Someone not on the panel gets a 404. Other experts' scores appear only when
    every expert has submitted (`selectors.visible_scores`)."""
    member = selectors.member_or_404(panel, request.user)
    errors, typed = [], {}
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        typed = _posted_values(request.POST, panel)
        try:
            scores_save(actor=request.user, panel=panel, values=typed, submit=submit)
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        else:
            messages.success(request, _("已提交评分。") if submit else _("已暂存评分。"))
            return redirect(request.path)
    member.refresh_from_db()
    rates = _rates(panel)
    rows = []
    for row in score_sheet(panel, member):  # what the expert typed survives a refusal
        score, reason = typed.get(row.indicator.pk, (row.score, row.reason))
        rows.append(
            {
                "indicator": row.indicator,
                "score": score,
                "reason": reason,
                "rate": rates.get(row.indicator.pk),
            }
        )
    members, table = raw_table(panel, selectors.visible_scores(panel, request.user))
    return render(
        request,
        T + "scoring_page.html",
        {
            "subject": subject,
            "back_url": back_url,
            "member": member,
            "rows": rows,
            "errors": errors,
            "closed": open_refusal(panel),
            "all_submitted": panel.all_submitted(),
            "members": members,
            "table": table,
            "evidence": evidence,
        },
        status=400 if errors else 200,
    )


def _rates(panel: ScoringPanel) -> dict:
    """The rate indicators' suggestions (`rate_inputs.rate_rows`) by indicator id: the expert
    sees the rule's score and how it was computed, and still gives their own."""
    owner = panel_owner(panel)
    return {} if owner is None else {r.indicator.pk: r for r in rate_rows(owner)}


def scoring_table(request, panel: ScoringPanel, back_url: str) -> str:
    """The panel's raw scores as the user may see them (indicator × expert), each indicator's
    result and explanation, and for the office the discussion form of a flagged indicator."""
    members, table = raw_table(panel, selectors.visible_scores(panel, request.user))
    return render_to_string(
        T + "scoring_table.html",
        {
            "panel": panel,
            "members": members,
            "table": table,
            "shown": any(any(row["cells"]) for row in table),
            "all_submitted": panel.all_submitted(),
            "may_discuss": office_refusal(panel, request.user) is None,
            "back_url": back_url,
        },
        request=request,
    )


@login_required
def key_score(request, pk: int):
    evaluation = selectors.key_get(user=request.user, pk=pk)
    evidence = render_to_string(
        T + "scoring_evidence.html",
        {
            "evaluation": evaluation,
            "requests": [
                (row, attachments.attachments_of(row)) for row in evaluation.data_requests.all()
            ],
            "visits": evaluation.site_visits.all(),
        },
        request=request,
    )
    return score_page(
        request,
        panel=evaluation.panel,
        back_url=reverse("key-list"),
        subject=evaluation.subject,
        evidence=evidence,
    )


@login_required
@require_POST
def panel_agree(request, panel_pk: int, indicator_pk: int):
    """The office's discussion and agreed score of one indicator (of a panel whose document the
    user can see; 404 otherwise)."""
    indicator = get_object_or_404(
        PanelIndicator.objects.select_related("panel"), pk=indicator_pk, panel_id=panel_pk
    )
    owner = panel_owner(indicator.panel)
    if (
        owner is None
        or not type(owner).objects.visible_to(request.user).filter(pk=owner.pk).exists()
    ):
        raise Http404
    try:
        discussion_save(
            actor=request.user,
            indicator=indicator,
            discussion=request.POST.get("discussion", ""),
            agreed=request.POST.get("agreed", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已记录讨论结果。"))
    return redirect(safe_back(request, "home"))
