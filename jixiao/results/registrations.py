"""What the results app registers in core's registries when it starts (apps.py::ready()).

Each area adds its modules here, one line each, so `ready()` stays one import.
"""

from . import rules  # noqa: F401
