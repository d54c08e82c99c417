"""Pages of audit (see docs/architecture.md, Results)."""

urlpatterns: list = []
