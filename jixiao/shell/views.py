"""The home page and the top bar's region and year switch."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from jixiao.budgets.selectors import project_list
from jixiao.core import navigation
from jixiao.orgs.models import Region
from jixiao.orgs.selectors import unit_year_list
from jixiao.orgs.views import safe_next

from .work import SESSION_REGION, SESSION_YEAR


@login_required
def home(request):
    work = request.work
    todos = navigation.todos_for(request.user, work.region, work.year)
    return render(request, "home.html", {"todos": todos, "facts": home_facts(request)})


def home_facts(request) -> list[tuple[str, object, str]]:
    work = request.work
    if work.region is None:
        return []
    units = unit_year_list(user=request.user, region=work.region, year=work.year)
    projects = project_list(user=request.user, region=work.region, year=work.year)
    return [
        (_("预算单位"), units.count(), reverse("unit-list")),
        (pgettext("heading", "项目"), projects.count(), reverse("project-list")),
    ]


@login_required
@require_POST
def work_context(request):
    """Switch the region and year in the top bar; only regions in scope can be chosen."""
    region_id = request.POST.get("region")
    if region_id:
        region = Region.objects.get_visible_or_404(request.user, pk=region_id)
        request.session[SESSION_REGION] = region.id
    year = request.POST.get("year", "")
    if year.isdigit():
        request.session[SESSION_YEAR] = int(year)
    return redirect(safe_next(request, reverse("home")))
