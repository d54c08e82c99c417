"""The archive check stops counting a sheet's cells once it is known to be too sparse for
calamine, and decides as counting every cell did."""

from jixiao.core import tabular
from jixiao.core.tabular import _check_zip
from jixiao.core.tests import hostile


def test_a_small_sheet_with_a_far_cell_is_still_too_sparse(settings):
    settings.JIXIAO_IMPORT_MAX_DENSE_CELLS = 100_000
    rows = f'<row r="1">{hostile.cell("A1", 1)}</row><row r="9999">{hostile.cell("Z9999", 1)}</row>'
    assert _check_zip(hostile.xlsx(rows)) is False  # 9,999 × 26 cells laid out


def test_a_large_sheet_stops_being_counted_once_too_sparse_and_is_judged_so(settings, monkeypatch):
    settings.JIXIAO_IMPORT_MAX_DENSE_CELLS = 1_000
    rows = "".join(
        f'<row r="{r}">{hostile.cell(f"A{r}", r)}{hostile.cell(f"B{r}", "x" * 20)}</row>'
        for r in range(1, 40_001)
    )
    assert len(rows) > tabular._CHUNK  # inflated in more than one piece
    counted = []
    real = tabular._cell_stats
    monkeypatch.setattr(tabular, "_cell_stats", lambda xml: counted.append(1) or real(xml))
    assert _check_zip(hostile.xlsx(rows)) is False
    assert len(counted) == 1  # the first piece already holds more than the limit


def test_a_long_narrow_sheet_within_the_limit_is_dense(settings):
    # 9,999 rows of one column, in more than one inflated piece: 9,999 cells laid out.
    settings.JIXIAO_IMPORT_MAX_DENSE_CELLS = 100_000
    rows = "".join(
        f'<row r="{r}">{hostile.cell(f"A{r}", "x" * 100)}</row>' for r in range(1, 10_000)
    )
    assert len(rows) > tabular._CHUNK
    assert _check_zip(hostile.xlsx(rows)) is True
