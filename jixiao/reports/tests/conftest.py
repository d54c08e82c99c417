"""Every test of the figures checks each reuse of a compiled figures query against the query
built afresh (`stats.CHECK_COMPILED`), starting from no compiled query, no deadlines found
(`stats._with_deadlines`), no statement to send ahead (`stats._send_ahead`) and no rows judged
(`stats._JUDGED`)."""

import pytest

from jixiao.reports import stats


@pytest.fixture(autouse=True)
def check_compiled_figures(monkeypatch):
    monkeypatch.setattr(stats, "CHECK_COMPILED", True)
    monkeypatch.setattr(stats, "_COMPILED", {})
    monkeypatch.setattr(stats, "_DEADLINES", {})
    monkeypatch.setattr(stats, "_RAN", {})
    monkeypatch.setattr(stats, "_JUDGED", {})
