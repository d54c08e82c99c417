"""Shared fixtures: the personas (jixiao.testing) and signed-in clients."""

import pytest
from django.test import Client
from django.test.utils import override_settings


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in the thread (LocaleMiddleware activates the
    language and nothing deactivates it), so the next test on this worker would read English."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # PBKDF2's deliberate slowness protects real accounts; in tests it only costs minutes.
    from django.conf import settings

    if not settings.configured:  # pure-module runs with -p no:django
        yield
        return
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _jobs_run_in_the_request():
    """Background jobs run at once, inside the request that starts them (the immediate tasks
    backend), so a test follows a job to its result; core/tests/test_jobs.py runs the database
    queue with a real worker."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    tasks = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [settings.JIXIAO_TASKS_QUEUE],
        }
    }
    with override_settings(TASKS=tasks):
        yield


@pytest.fixture(autouse=True)
def _one_rate_window_a_test(monkeypatch):
    """The rate limits count in fixed windows aligned on the clock (core/ratelimit.py), so a test
    that posts a thousand times across the top of the hour rightly gets a fresh allowance half-way
    through (a CI run once failed so). Within a test the limiter's clock stands at the test's
    start; tests of the windows themselves pass `now=` explicitly."""
    from django.conf import settings

    if not settings.configured:
        return
    from django.utils import timezone

    from jixiao.core import ratelimit

    start = timezone.now()
    monkeypatch.setattr(ratelimit, "timezone", type("HeldClock", (), {"now": lambda: start}))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from jixiao.testing import build_world

    with django_db_blocker.unblock():
        build_world()


@pytest.fixture
def world(db):
    from jixiao.testing import build_world

    return build_world()


@pytest.fixture
def client_for(world):
    """`client_for("filer")` → a test client signed in as that persona."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(world.users[username])
        return client

    return make


@pytest.fixture
def declare(world):
    """`declare("P1", rows=..., goal=...)` → a saved draft target of that project."""
    from jixiao.targets.services import target_create, target_save
    from jixiao.testing import AMOUNTS, GOOD_ROWS

    def make(
        project_code="P1",
        *,
        rows=GOOD_ROWS,
        goal="完成12个老旧小区改造，改善居住环境。",
        actor=None,
    ):
        project = world.projects[project_code]
        actor = actor or (world.child_filer if project.unit.code == "U1A" else world.filer)
        target = target_create(actor=actor, year=project.year, unit=project.unit, project=project)
        return target_save(
            actor=actor,
            target=target,
            goal=goal,
            amounts=AMOUNTS,
            serves_public=True,
            indicators=rows,
        )

    return make
