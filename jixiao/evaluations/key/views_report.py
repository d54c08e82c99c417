"""Pages of key evaluations: report (being written)."""

from __future__ import annotations

urlpatterns: list = []


def report_panel(request, evaluation) -> str:
    """The evaluation page's report section (versions, docx, delivery, score-table import)."""
    return ""
