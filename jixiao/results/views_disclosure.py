"""The office's pages of disclosure (信息公开, DOMAIN.md §8.4): the records of the working year
with their due days and overdue flags, one record with a preview of what the portal will show
and the actions (publish; withhold or withdraw with a reason), the approval dates, and drawing
up the year's records. Every read starts from `Disclosure.objects.visible_to(user)`; the
services say who may act."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core.sorting import sorting
from jixiao.core.views import act, paginate
from jixiao.core.widgets import date_input
from jixiao.orgs.models import Role, Unit

from . import disclosure_rules, disclosures
from .models import ApprovalDates, Disclosure, DisclosureKind, DisclosureStatus
from .public_portal import table_context
from .rules import rules_in_force

T = "results/"


def _with_flags(rows, today: date, soon_days: int) -> list:
    for d in rows:
        d.overdue = disclosure_rules.is_overdue(d.status, d.due, d.published_on, today)
        d.days_left = disclosure_rules.days_left(d.due, today)
        d.due_soon = disclosure_rules.due_soon(d.status, d.due, today, soon_days)
    return rows


def _work(request):
    work = request.work
    if work.region is None:
        raise Http404
    return work


@login_required
def disclosure_list(request):
    work = _work(request)
    names = ("status", "unit", "kind", "q", "sort")
    filters = {name: request.GET.get(name, "").strip() for name in names}
    rows = disclosures.disclosure_list(
        user=request.user, region=work.region, year=work.year, **filters
    )
    page, query = paginate(request, rows)
    section = rules_in_force(work.region, work.year, "disclosure")
    _with_flags(page.object_list, timezone.localdate(), int(section["due_soon_days"]))
    units = Unit.objects.filter(
        pk__in=disclosures.disclosure_list(
            user=request.user, region=work.region, year=work.year
        ).values("unit_id")
    )
    context = {
        "page": page,
        "query": query,
        "sorting": sorting(request, disclosures.DISCLOSURE_SORTS),
        "statuses": DisclosureStatus.choices,
        "kinds": DisclosureKind.choices,
        "units": units,
        "dates": ApprovalDates.objects.visible_to(request.user)
        .filter(region=work.region, year=work.year)
        .first(),
        "office": request.user.has_role(Role.PERFORMANCE),
    }
    return render(request, T + "disclosure_list.html", context)


@login_required
def disclosure_detail(request, pk: int):
    disclosure = Disclosure.objects.select_related(
        "region", "unit", "key_evaluation", "decided_by"
    ).get_visible_or_404(request.user, pk=pk)
    today = timezone.localdate()
    section = rules_in_force(disclosure.region, disclosure.year, "disclosure")
    _with_flags([disclosure], today, int(section["due_soon_days"]))
    shown = disclosure.status in (DisclosureStatus.PUBLISHED, DisclosureStatus.WITHDRAWN)
    content = disclosure.content if shown else disclosures.disclosure_content(disclosure)
    context = {
        "d": disclosure,
        **table_context(content),
        "snapshot": shown,
        "office": request.user.has_role(Role.PERFORMANCE),
        "can_publish": disclosure.status in (DisclosureStatus.PENDING, DisclosureStatus.WITHHELD),
        "can_withhold": disclosure.status == DisclosureStatus.PENDING,
        "can_withdraw": disclosure.status == DisclosureStatus.PUBLISHED,
    }
    return render(request, T + "disclosure_detail.html", context)


#: The office's actions on a record, and what each says when done.
ACTIONS = {
    "publish": gettext_lazy("已公开。"),
    "withhold": gettext_lazy("已设为不予公开。"),
    "withdraw": gettext_lazy("已撤回，门户不再显示。"),
}


@login_required
@require_POST
def disclosure_action(request, pk: int, action: str):
    """POST of an action card: publish, or withhold / withdraw with the posted reason."""
    disclosure = Disclosure.objects.get_visible_or_404(request.user, pk=pk)
    act(
        request,
        lambda: disclosures.disclosure_act(
            actor=request.user,
            disclosure=disclosure,
            action=action,
            reason=request.POST.get("reason", ""),
        ),
        ACTIONS[action],
    )
    return redirect("disclosure-detail", pk=pk)


@login_required
@require_POST
def disclosure_ensure(request):
    work = _work(request)
    if not request.user.has_role(Role.PERFORMANCE):
        raise Http404

    act(
        request,
        lambda: disclosures.disclosures_ensure(region=work.region, year=work.year),
        _("已生成本年度的公开事项清单。"),
    )
    return redirect("disclosure-list")


class ApprovalDatesForm(forms.Form):
    budget_approved_on = forms.DateField(
        label=gettext_lazy("部门预算批复日期"),
        required=False,
        widget=date_input(),
        help_text=gettext_lazy("本年度预算的批复日期：绩效目标随部门预算公开"),
    )
    accounts_approved_on = forms.DateField(
        label=gettext_lazy("部门决算批复日期"),
        required=False,
        widget=date_input(),
        help_text=gettext_lazy("本年度批复上年决算的日期：上年项目的自评结果随部门决算公开"),
    )


@login_required
def approval_dates(request):
    work = _work(request)
    if not request.user.has_role(Role.PERFORMANCE, Role.AUDITOR, Role.BUDGET):
        raise Http404
    dates = ApprovalDates.objects.filter(region=work.region, year=work.year).first()
    initial = {
        "budget_approved_on": getattr(dates, "budget_approved_on", None),
        "accounts_approved_on": getattr(dates, "accounts_approved_on", None),
    }
    form = ApprovalDatesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = act(
            request,
            lambda: disclosures.approval_dates_save(
                actor=request.user, region=work.region, year=work.year, **form.cleaned_data
            ),
            _("批复日期已保存，公开期限已更新。"),
        )
        if saved:
            return redirect("disclosure-list")
    section = rules_in_force(work.region, work.year, "disclosure")
    context = {
        "form": form,
        "office": request.user.has_role(Role.PERFORMANCE),
        "days": section["deadline_days"],
    }
    return render(request, T + "disclosure_dates.html", context)
