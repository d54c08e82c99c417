"""The project shell: what every page shares across the apps (the work context of the top bar,
the home page). It sits on top of the stage apps, as `api` and `demo` do, and may read any of them
(DESIGN.md)."""
