"""An agency's score table (评分表) delivered as an Excel workbook.

`read_score_table_xlsx(path_or_file)` opens the workbook through the project's safe reader
(`core.tabular.read_tables`: size, zip-bomb and DTD checks before any parsing) and reads the
first worksheet that has the table's header with the pure
`score_table.score_table_from_rows`. It returns the table in the JSON shape that
`score_table.check_score_table` and `jixiao score --kind key` take (decimals as strings, each
indicator with the Excel `row` it came from), or None with every refusal as a
`core.tabular.Problem` naming the sheet, row and column. Nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from jixiao.core.rule_messages import Message
from jixiao.core.tabular import InputRejected, Problem, read_tables

from .score_table import header_row, score_table_from_rows

__all__ = ["read_score_table_xlsx"]


def _bytes(source: str | Path | bytes | BinaryIO, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, filename or "score.xlsx"
    if isinstance(source, str | Path):
        path = Path(source)
        return path.read_bytes(), filename or path.name
    data = source.read()
    return data, filename or getattr(source, "name", None) or "score.xlsx"


def read_score_table_xlsx(
    path_or_file: str | Path | bytes | BinaryIO, filename: str | None = None
) -> tuple[dict | None, list[Problem]]:
    """The score table of a workbook, or None with the problems found (located)."""
    data, name = _bytes(path_or_file, filename)
    try:
        sheets = read_tables(data, str(name))
    except InputRejected as exc:
        return None, list(exc.problems)
    if not sheets:
        return None, [Problem(str(Message("key.xlsx.no_rows")))]
    chosen = next((s for s in sheets if header_row(s.rows) is not None), sheets[0])
    table, problems = score_table_from_rows(chosen.name, chosen.rows, chosen.first_row)
    located = [Problem(str(p.message), p.sheet, p.row, p.column, p.field) for p in problems]
    return table, located
