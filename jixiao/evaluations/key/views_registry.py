"""Pages of key evaluations: registry (being written)."""

from __future__ import annotations

urlpatterns: list = []


def registry_panel(request, evaluation) -> str:
    """The evaluation page's assignment section (agency, experts, declarations, quality)."""
    return ""
