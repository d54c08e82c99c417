"""How passwords are stored: Argon2id at OWASP's recommended cost, not PBKDF2 at Django's.

Django 5.2's default, PBKDF2-SHA256 with a million iterations, costs about a quarter of a
CPU-second a sign-in on our 2-core server. On a deadline morning a province's filers sign in
within minutes, and each check holds a web worker: 200 sign-ins are more than a minute of both
cores, during which every other page waits (docs/performance.md, "The deadline peak").

Argon2id (RFC 9106, the Password Hashing Competition's winner, first in OWASP's Password
Storage Cheat Sheet) is memory-hard: each guess needs its own 19 MiB, which is what makes
guessing on graphics cards and custom chips expensive, where PBKDF2's cost is arithmetic alone.
OWASP's first recommended configuration, 19 MiB, 2 passes and 1 lane, costs about 25 ms of CPU
here, a tenth of PBKDF2's. A bureau that wants more sets `JIXIAO_ARGON2_MEMORY_KIB` and
`JIXIAO_ARGON2_TIME_COST` (settings.py); the failed-sign-in lockout
(`JIXIAO_LOGIN_MAX_FAILURES`) limits online guessing whatever the hash.

A stored hash of another kind or cost still signs in, and is rewritten to these parameters at
that sign-in (Django's `must_update`): accounts made before keep working.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id with the memory and passes of the settings, one lane (the server's cores serve
    several sign-ins at once; lanes would only let one sign-in take them all)."""

    parallelism = 1

    @property
    def memory_cost(self) -> int:
        return settings.JIXIAO_ARGON2_MEMORY_KIB

    @property
    def time_cost(self) -> int:
        return settings.JIXIAO_ARGON2_TIME_COST
