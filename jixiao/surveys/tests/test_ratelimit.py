"""core.ratelimit: the fixed-window counter of the public pages and the salted address hash."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.test import RequestFactory, override_settings

from jixiao.core.models import RateCounter
from jixiao.core.ratelimit import address_hash, client_address, hit

pytestmark = pytest.mark.django_db

NOON = datetime(2022, 5, 10, 12, 0, 0, tzinfo=UTC)


def test_hits_pass_up_to_the_limit_and_are_refused_after_it():
    answers = [hit("k", 3, 60, now=NOON + timedelta(seconds=i)) for i in range(5)]
    assert answers == [True, True, True, False, False]
    assert RateCounter.objects.get(key="k").count == 5  # refused hits count too


def test_a_new_window_starts_counting_again():
    for _ in range(3):
        hit("k", 2, 60, now=NOON)
    assert not hit("k", 2, 60, now=NOON + timedelta(seconds=59))
    assert hit("k", 2, 60, now=NOON + timedelta(seconds=60))


def test_keys_are_counted_apart():
    assert hit("a", 1, 60, now=NOON)
    assert hit("b", 1, 60, now=NOON)
    assert not hit("a", 1, 60, now=NOON)


def test_counters_of_ended_windows_are_cleared_when_a_new_window_starts():
    hit("old", 5, 60, now=NOON)
    hit("other", 5, 60, now=NOON + timedelta(minutes=5))
    assert not RateCounter.objects.filter(key="old").exists()


def test_the_address_hash_is_salted_with_the_secret_key():
    first = address_hash("198.51.100.7")
    # A digest, not the address; and not the bare digest, which anyone could recompute for
    # every address (a "198" inside the hex digits, as before, failed one run in about 70).
    assert len(first) == 64 and set(first) <= set("0123456789abcdef")
    assert first != hashlib.sha256(b"198.51.100.7").hexdigest()
    assert address_hash("198.51.100.7") == first and address_hash("198.51.100.8") != first
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-" * 2):
        assert address_hash("198.51.100.7") != first
    assert address_hash("") == ""


def test_the_proxy_header_is_read_only_when_the_setting_trusts_it():
    request = RequestFactory().get(
        "/survey/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.7"
    )
    with override_settings(JIXIAO_TRUST_X_REAL_IP=False):
        assert client_address(request) == "10.0.0.1"
    with override_settings(JIXIAO_TRUST_X_REAL_IP=True):
        assert client_address(request) == "198.51.100.7"


@pytest.mark.django_db(transaction=True)
def test_hits_from_many_workers_at_once_are_all_counted():
    """Threads on their own connections: on PostgreSQL the first hits of the window race to
    insert its row and then wait on its lock; on SQLite they write one after another."""
    passed: list[bool] = []
    barrier = threading.Barrier(6)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                passed.append(hit("crowd", 20, 3600, now=NOON))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(passed) == 30 and passed.count(True) == 20
    assert RateCounter.objects.get(key="crowd").count == 30
