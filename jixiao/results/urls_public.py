"""Pages of public (see docs/architecture.md, Results)."""

urlpatterns: list = []
