"""Pages of linkage (see docs/architecture.md, Results)."""

urlpatterns: list = []
