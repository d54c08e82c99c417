"""Pages of disclosure (see docs/architecture.md, Results)."""

urlpatterns: list = []
