"""Pages of rectification (see docs/architecture.md, Results)."""

urlpatterns: list = []
