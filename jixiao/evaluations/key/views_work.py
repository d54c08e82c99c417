"""Pages of key evaluations: work (being written)."""

from __future__ import annotations

urlpatterns: list = []
