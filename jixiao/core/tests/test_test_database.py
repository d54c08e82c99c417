"""The SQLite test database is a file, as a deployment's is (settings.py): concurrent
transactions, the online backup and the race tests behave there as in production. An in-memory
database with a shared cache locks differently (a backup of it waits forever)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's test database")
def test_the_sqlite_test_database_is_a_file_on_disk():
    name = str(connection.settings_dict["NAME"])
    assert "mode=memory" not in name and name != ":memory:"
    assert Path(name).is_file()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's test database")
def test_the_postgresql_test_database_is_named_after_the_database_not_a_file():
    assert "/" not in connection.settings_dict["NAME"]
