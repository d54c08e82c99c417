"""Pages of assessment (see docs/architecture.md, Results)."""

urlpatterns: list = []
