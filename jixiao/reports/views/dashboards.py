"""Dashboards and the lists behind their charts. Placeholder views: being built."""

from django.http import Http404


def dashboard(request):
    raise Http404


unit_dashboard = records = summary_download = dashboard
