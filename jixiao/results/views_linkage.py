"""Pages of budget linkage (与预算挂钩): the proposals of a budget year by unit (filters, totals,
the reason and the steps of each, an xlsx), one proposal with the budget office's decision
form, generating the proposals, and the simulator (the table's percentages edited in a GET
form, the effect by unit and by office, and adopting them into the region's rulebook).

The budget year is the working year + 1 (the results of the year decide the next budget),
or `?year=` when given.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core.jobs import file_builder
from jixiao.core.rulebook import RulebookError
from jixiao.core.sorting import sorting
from jixiao.core.views import act, file_or_job, paginate, role_required, sheet_file
from jixiao.orgs.models import Region, Role, Unit

from . import linkage_selectors as selectors
from . import linkage_service as services
from .models import LinkageProposal, LinkageRule, LinkageStatus
from .rules import rules_in_force

T = "results/"
FILTERS = ("status", "unit", "rule", "q", "cancelled", "sort")
#: the grade sources' labels (the `grade_source` values of a proposal)
SOURCE_LABELS = {
    "key_evaluation": gettext_lazy("重点评价"),
    "spot_check": gettext_lazy("抽查复核"),
    "reviewed": gettext_lazy("审核后等级"),
    "rules": gettext_lazy("按规则评分"),
}
NO_GRADE = "none"


def _budget_year(request) -> tuple:
    """The working region and the budget year (the working year + 1, or `?year=`)."""
    if request.work.region is None:
        raise Http404
    year = request.GET.get("year", "")
    return request.work.region, int(year) if year.isdigit() else request.work.year + 1


@file_builder
def linkage_file(user, *, region: str, year: int, **filters):
    """The proposals' download as `user` sees it (in the request or as a job)."""
    found = Region.objects.get_visible_or_404(user, code=region)
    rows = selectors.proposal_list(user=user, region=found, year=year, **filters)
    return sheet_file(
        **selectors.sheet_spec(year),
        rows=selectors.sheet_rows(rows),
        filename=f"linkage-proposals-{year}.xlsx",
        kind="linkage-proposals",
    )


def may_decide(user) -> bool:
    return user.has_role(Role.BUDGET)


def may_adopt(user) -> bool:
    return user.has_role(Role.BUDGET, Role.PERFORMANCE)


# --------------------------------------------------------------------------- the list


@login_required
def linkage_list(request):
    region, year = _budget_year(request)
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    rows = selectors.proposal_list(user=request.user, region=region, year=year, **values)
    if request.GET.get("export") == "xlsx":
        return file_or_job(
            request, linkage_file, rows=rows.count(), region=region, year=year, **values
        )
    page, query = paginate(request, rows)
    units = Unit.objects.filter(
        pk__in=LinkageProposal.objects.visible_to(request.user)
        .in_work(region, year)
        .values("unit_id")
    ).order_by("code")
    return render(
        request,
        T + "linkage_list.html",
        {
            "year": year,
            "page": page,
            "query": query,
            "sorting": sorting(request, selectors.LINKAGE_SORTS),
            "totals": selectors.totals(rows),
            "by_unit": selectors.by_unit(rows),
            "statuses": LinkageStatus.choices,
            "rules": LinkageRule.choices,
            "units": units,
            "sources": SOURCE_LABELS,
            "may_generate": may_adopt(request.user),
            "may_decide": may_decide(request.user),
        },
    )


@require_POST
@role_required(Role.BUDGET, Role.PERFORMANCE)
def linkage_generate(request):
    region, year = _budget_year(request)
    counts = {}

    def run():
        counts.update(services.proposals_generate(actor=request.user, region=region, year=year))

    act(request, run, _("已生成%(year)s年度预算挂钩建议。") % {"year": year})
    if counts:
        messages.info(
            request,
            _(
                "新建%(created)s条，更新%(updated)s条，结果未变%(unchanged)s条，已决定的%(kept)s条未改动。"
            )
            % counts,
        )
    return redirect(f"{reverse('linkage-list')}?year={year}")


# --------------------------------------------------------------------------- one proposal


class DecisionForm(forms.Form):
    DECISIONS = (
        ("accept", gettext_lazy("采纳建议")),
        ("override", gettext_lazy("调整金额")),
        ("cancel", gettext_lazy("取消项目")),
    )
    decision = forms.ChoiceField(
        label=gettext_lazy("决定"), choices=DECISIONS, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=gettext_lazy("决定安排（万元）"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=2,
        help_text=gettext_lazy("调整金额时填写"),
    )
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("调整金额或取消项目时必填"),
    )


@login_required
def linkage_detail(request, pk: int):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    # The amount box starts at the proposal in 万元 with two decimals (stored with six), so a
    # decision sent as it comes is valid.
    shown = proposal.proposed_amount.quantize(Decimal("0.01"))
    form = DecisionForm(initial={"decision": "accept", "amount": shown})
    if request.method == "POST":
        if not may_decide(request.user):
            raise PermissionDenied(_("只有预算股可以决定预算挂钩建议。"))
        form = DecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            done = act(
                request,
                lambda: services.proposal_decide(
                    actor=request.user,
                    proposal=proposal,
                    accept=d["decision"] == "accept",
                    amount=d["amount"] if d["decision"] == "override" else None,
                    cancel=d["decision"] == "cancel",
                    reason=d["reason"],
                ),
                _("已记录决定。"),
            )
            if done:
                return redirect("linkage-detail", pk=proposal.pk)
    return render(
        request,
        T + "linkage_detail.html",
        {
            "p": proposal,
            "form": form,
            "source": SOURCE_LABELS.get(proposal.grade_source, ""),
            "may_decide": may_decide(request.user),
        },
    )


# --------------------------------------------------------------------------- the simulator


def _percent_fields(section: dict) -> list[tuple[str, str]]:
    """(field name, label) per row of the table and the no-grade row."""
    rows = [(f"pct_{i}", grade) for i, grade in enumerate(section["table"])]
    return [*rows, (f"pct_{NO_GRADE}", _("无评价等级"))]


class SimulatorForm(forms.Form):
    def __init__(self, *args, section: dict, **kwargs):
        super().__init__(*args, **kwargs)
        grades = list(section["table"])
        for name, label in _percent_fields(section):
            row = (
                section["no_grade"]
                if name.endswith(NO_GRADE)
                else section["table"][grades[int(name[4:])]]
            )
            self.fields[name] = forms.DecimalField(
                label=label,
                initial=Decimal(str(row["percent"])),
                min_value=-100,
                max_value=1000,
                max_digits=7,
                decimal_places=2,
                help_text=LinkageRule(row["rule"]).label,
            )


def _edited(section: dict, data: dict) -> dict:
    """The section with the form's percentages in its table."""
    edited = {**section, "table": {g: dict(r) for g, r in section["table"].items()}}
    edited["no_grade"] = dict(section["no_grade"])
    for i, grade in enumerate(section["table"]):
        edited["table"][grade]["percent"] = _text(data[f"pct_{i}"])
    edited["no_grade"]["percent"] = _text(data[f"pct_{NO_GRADE}"])
    return edited


def _text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _compare(in_force, simulated, names: dict) -> list[dict]:
    keys = sorted(set(in_force) | set(simulated), key=lambda k: names.get(k, k))
    return [
        {
            "name": names.get(key, key) or _("未归口"),
            "current": in_force[key].current,
            "in_force": in_force[key].proposed,
            "simulated": simulated[key].proposed,
            "effect": simulated[key].proposed - in_force[key].proposed,
            "change": simulated[key].proposed - simulated[key].current,
        }
        for key in keys
    ]


@role_required(Role.BUDGET, Role.PERFORMANCE)
def linkage_simulator(request):
    """Edit the percentages (GET), see next year's amounts by unit and by office under the
    rule in force and under the edited one. The whole region's figures: for the budget and
    the performance office only."""
    region, year = _budget_year(request)
    section = rules_in_force(region, year, "linkage")
    form = SimulatorForm(request.GET or None, section=section)
    edited = _edited(section, form.cleaned_data) if form.is_valid() else section
    in_force = services.simulation(region=region, year=year, section=section)
    simulated = (
        services.simulation(region=region, year=year, section=edited)
        if form.is_valid()
        else in_force
    )
    names = dict(Unit.objects.filter(region=region).values_list("pk", "name"))
    unit_names = {str(k): v for k, v in names.items()}
    return render(
        request,
        T + "linkage_simulator.html",
        {
            "year": year,
            "form": form,
            "fields": [form[name] for name, _label in _percent_fields(section)],
            "by_unit": _compare(in_force.by_unit, simulated.by_unit, unit_names),
            "by_office": _compare(in_force.by_office, simulated.by_office, {}),
            "total": {
                "current": in_force.total.current,
                "in_force": in_force.total.proposed,
                "simulated": simulated.total.proposed,
                "effect": simulated.total.proposed - in_force.total.proposed,
                "change": simulated.total.proposed - simulated.total.current,
            },
            "edited": form.is_valid() and edited != section,
            "may_adopt": may_adopt(request.user),
        },
    )


@require_POST
@role_required(Role.BUDGET, Role.PERFORMANCE)
def linkage_adopt(request):
    """Save the simulated percentages as the region's rule for the budget year (a new
    rulebook version, audited)."""
    region, year = _budget_year(request)
    section = rules_in_force(region, year, "linkage")
    form = SimulatorForm(request.POST, section=section)
    if not form.is_valid():
        messages.error(request, _("百分比须为-100至1000之间、最多两位小数的数。"))
        return redirect(f"{reverse('linkage-simulator')}?year={year}")
    edited = _edited(section, form.cleaned_data)

    def save():
        try:
            services.linkage_rule_adopt(
                actor=request.user,
                region=region,
                year=year,
                table={g: r["percent"] for g, r in edited["table"].items()},
                no_grade=edited["no_grade"]["percent"],
            )
        except RulebookError as exc:
            raise PermissionDenied(str(exc)) from exc

    act(request, save, _("已将新的比例存入%(year)s年度规则库。") % {"year": year})
    return redirect(f"{reverse('linkage-simulator')}?year={year}")
