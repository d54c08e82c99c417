"""Pages of key evaluations: exante (being written)."""

from __future__ import annotations

urlpatterns: list = []
