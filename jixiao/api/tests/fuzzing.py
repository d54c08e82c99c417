"""Schemathesis over /api/v1/openapi.json, in-process.

`fuzz(tokens=..., ids=..., calls=N)` sends about N generated requests to the Django app through
its WSGI handler (no server, no network), spread evenly over every operation × every caller
(each persona's token, and no token at all), and checks each answer: no 5xx, a status code the
operation documents, the documented content type and a body that fits the documented schema,
and an invalid request refused with a 4xx.

Two calls in three are valid requests (schemathesis' positive mode), one in three breaks the
document on purpose (negative mode). In a valid request, three path ids in four are drawn from
`ids` (objects that exist, some outside the caller's scope), so the calls reach the objects and
their workflow steps and not only the 404 of an unknown id, and half of the `region` and `year`
filters name real ones; everything else comes from the schema. Each operation, caller and mode
has its own fixed Hypothesis seed: a run is repeatable, and a run with the same budget sends the
same requests (the workflow actions change the documents as they go, the same way each time).

Used by `test_api_fuzz.py` (CI, about 2,000 calls) and `bench/fuzz_api.py` (10,000 and more).
"""

from __future__ import annotations

import itertools
import logging
import math
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity
from hypothesis import strategies as st
from schemathesis import GenerationMode

#: A query parameter given a real value instead of a generated one, some of the time.
REAL_QUERY = {"region": ["100101", "100102", "100100"], "year": [2021, 2022]}

#: Two calls in three are valid requests; one in three breaks the document on purpose (a wrong
#: type, a missing field, a body that is not JSON), which must get a documented error, not a 5xx.
MODES = ((GenerationMode.POSITIVE, 2 / 3), (GenerationMode.NEGATIVE, 1 / 3))


@dataclass
class Run:
    calls: Counter = field(default_factory=Counter)  # "GET /api/v1/units" → calls
    callers: Counter = field(default_factory=Counter)
    modes: Counter = field(default_factory=Counter)  # positive, negative
    unsatisfiable: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    violations: dict[str, str] = field(default_factory=dict)  # what failed → one example
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def report(self) -> str:
        lines = [
            f"calls made: {self.total}",
            f"time: {self.seconds:.1f} s, {self.total / max(self.seconds, 1e-9):.1f} calls/s",
            f"5xx answers: {len(self.server_errors)}",
            f"schema violations: {len(self.violations)}",
            "statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items())),
            "generated: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.modes.items())),
            "callers: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.callers.items())),
            "per endpoint:",
            *(f"  {n:6d}  {label}" for label, n in sorted(self.calls.items())),
        ]
        lines += [f"5xx: {e}" for e in self.server_errors[:20]]
        lines += [f"violation: {k}\n{v}" for k, v in self.violations.items()]
        return "\n".join(lines)


def load_schema():
    import schemathesis
    from django.core.handlers.wsgi import WSGIHandler
    from schemathesis.config import SchemathesisConfig
    from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES

    # CONTRACT.md: a write whose If-Match does not match answers 412 before anything else is
    # checked, its body included, so 412 is a refusal of an invalid request too (a generated
    # If-Match with a generated invalid body on an object the caller sees).
    rejected = [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "412"]
    config = SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": rejected}}}
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=config)


def _checks():
    from schemathesis import checks

    return [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
        checks.negative_data_rejection,  # an invalid request is refused (4xx), not done
    ]


def fuzz(*, tokens: dict[str, str | None], ids: dict[str, list[int]], calls: int) -> Run:
    """About `calls` requests over every operation × every caller of `tokens` (name → token,
    None for a call without one). `ids` gives existing ids by path parameter name."""
    from django.core.signals import got_request_exception, request_finished, request_started
    from django.db import close_old_connections
    from schemathesis.core.failures import FailureGroup

    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = load_schema()
    operations = [r.ok() for r in schema.get_all_operations()]
    per_pair = max(1, math.ceil(calls / (len(operations) * len(tokens))))
    checks = _checks()
    run = Run()
    errors: list[str] = []

    def caught(sender, request=None, **kwargs):
        import sys
        import traceback

        errors.append("".join(traceback.format_exception(*sys.exc_info())[-3:]))

    def check(label: str, caller: str, token: str | None, mode):
        def call(case, data):
            real = mode == GenerationMode.POSITIVE  # a negative case keeps its invalid parts
            for name in case.path_parameters or {}:
                if real and ids.get(name) and data.draw(st.integers(0, 3)):
                    case.path_parameters[name] = data.draw(st.sampled_from(ids[name]))
            for name, values in REAL_QUERY.items():
                if real and name in (case.query or {}) and data.draw(st.booleans()):
                    case.query[name] = data.draw(st.sampled_from(values))
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            case.headers = {**(case.headers or {}), **headers}
            errors.clear()
            response = case.call()
            run.calls[label] += 1
            run.callers[caller] += 1
            run.modes[mode.value] += 1
            run.statuses[response.status_code] += 1
            if response.status_code >= 500:
                run.server_errors.append(
                    f"{label} as {caller}: {response.status_code}\n"
                    f"{case.as_curl_command()}\n{''.join(errors)}"
                )
            try:
                case.validate_response(response, checks=checks)
            except FailureGroup as group:
                for failure in group.exceptions:
                    key = f"{label} {response.status_code}: {failure.title}"
                    run.violations.setdefault(
                        key, f"as {caller}: {failure.message}\n{case.as_curl_command()}"
                    )

        return call

    got_request_exception.connect(caught, weak=False)
    logger = logging.getLogger("django.request")  # the 4xx and 5xx are counted here instead
    level, logger.level = logger.level, logging.CRITICAL
    started = time.monotonic()
    try:
        for operation in operations:
            label = f"{operation.method.upper()} {operation.path}"
            for (caller, token), (mode, share) in itertools.product(tokens.items(), MODES):
                strategy = operation.as_strategy(generation_mode=mode)
                test = hypothesis.given(case=strategy, data=st.data())(
                    check(label, caller, token, mode)
                )
                test = hypothesis.seed(zlib.crc32(f"{label} {caller} {mode.value}".encode()))(test)
                test = hypothesis.settings(
                    max_examples=max(1, round(per_pair * share)),
                    database=None,
                    deadline=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                    verbosity=Verbosity.quiet,
                )(test)
                try:
                    test()
                except hypothesis.errors.Unsatisfiable:
                    run.unsatisfiable.append(f"{label} as {caller}, {mode.value}")
    finally:
        got_request_exception.disconnect(caught)
        logger.level = level
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        run.seconds = time.monotonic() - started
    return run
