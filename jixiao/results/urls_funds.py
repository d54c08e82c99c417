"""Pages of funds (see docs/architecture.md, Results)."""

urlpatterns: list = []
