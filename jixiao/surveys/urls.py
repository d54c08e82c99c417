"""URLs of the survey stage. Sections: the builder (office, agency, unit), the public page
(`/survey/<token>/`, no login), results and exports."""

urlpatterns: list = []
