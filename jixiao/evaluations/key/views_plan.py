"""Pages of key evaluations: plan (being written)."""

from __future__ import annotations

urlpatterns: list = []
