"""The archive check's quick ways decide as counting every cell and searching every byte did:
the cells' references found by one search from the last cell's (`tabular._cell_stats`), the
DTD found by its "!" and a prefixed cell by its ":" (`_declares_dtd`, `_holds_colon_c`)."""

import io
import zipfile

import pytest

from jixiao.core import tabular
from jixiao.core.tabular import InputRejected, _check_zip, read_tables
from jixiao.core.tests import hostile


@pytest.fixture(params=["quick", "general"])
def counting(request, monkeypatch):
    """Each case counted both ways: by the search (every bound compiled at once) and by the
    general count alone (no bound ever compiled)."""
    monkeypatch.setattr(tabular, "_PATTERNS", {})
    monkeypatch.setattr(tabular, "_ASKED", {})
    monkeypatch.setattr(tabular, "_COMPILE_AFTER", 0 if request.param == "quick" else 1 << 62)
    return request.param


def cells(*refs: str) -> str:
    return "".join(f'<c r="{ref}"><v>1</v></c>' for ref in refs)


DESCENDING = "".join(f'<row r="{r}">{cells(f"A{r}")}</row>' for r in range(200, 0, -1))
WIDENING = "<row>" + cells(*(f"{tabular.column_letter(c)}1" for c in range(100))) + "</row>"
COL_TAGS = '<cols><col min="1" max="1"/></cols>' * 5000
DIMENSION = '<dimension ref="%s"/>'


@pytest.mark.parametrize(
    "xml, expected",
    [
        (cells("A1", "C1", "B2"), (True, 2, 3)),
        (cells("A1", "ZZ9999", "B2"), (True, 9999, 702)),  # the largest in the middle
        (cells("A1", "B0009"), (True, 9, 2)),  # leading zeros
        (cells("A1", "B00000009"), (False, 1, 1)),  # eight digits: no reference calamine reads
        ('<cols><col min="1" max="9"/></cols>' + cells("A1", "I25"), (True, 25, 9)),
        (COL_TAGS + cells("A1", "ZZ9", "B2"), (True, 9, 702)),  # more tags than the search looks at
        (DESCENDING, (True, 200, 1)),  # the largest rises more often than the search follows
        (WIDENING, (True, 1, 100)),
        (cells("A1") + '<x:c r="ZZ99"><x:v>1</x:v></x:c>' + cells("B2"), (True, 99, 702)),
        (cells("A1") + '<c\tr="ZZ99"><v>1</v></c>', (True, 99, 702)),
        (cells("A1") + '<c s="1" r="ZZ99"><v>1</v></c>', (True, 99, 702)),  # reference second
        (cells("A1") + "<c><v>1</v></c>" + cells("B2"), (False, 2, 2)),  # no reference
        (cells("A1") + '<c r="b2"><v>1</v></c>', (False, 1, 1)),
        (cells("A1") + "<c r='ZZ99'><v>1</v></c>", (True, 99, 702)),  # single quotes
        ('<mergeCells><mergeCell ref="A1:I1"/></mergeCells>' + cells("A1", "C3"), (True, 3, 3)),
        ("<row/>", (True, 0, 0)),
        # the dimension's last column starts the bound when a cell bears it out
        (DIMENSION % "A1:I25" + cells("A1", "I3", "A25"), (True, 25, 9)),
        (DIMENSION % "A1:I25" + cells("A1", "I3", "K4", "A25"), (True, 25, 11)),  # it lies narrow
        (DIMENSION % "A1:Z25" + cells("A1", "I3", "A25"), (True, 25, 9)),  # it lies wide
        (DIMENSION % "A1:I25" + cells("A1", "IA3", "A25"), (True, 25, 235)),  # "I" starts "IA"
        (DIMENSION % "A1:I25" + cells(*["IA3"] * 9, "I4", "A25"), (True, 25, 235)),
        (DIMENSION % "I9" + cells("A1", "I3", "A25"), (True, 25, 9)),
        (
            DIMENSION % "A1:I25" + cells("A1", "I3") + "<c><v>1</v></c>" + cells("A25"),
            (False, 25, 9),
        ),  # fmt: skip
        (DIMENSION % "A1:I25" + cells("A1", "I3", "A25") + '<x:c r="J99"/>', (True, 99, 10)),
    ],
)
def test_a_pieces_references_are_counted_as_every_cell_counted_one_by_one(counting, xml, expected):
    assert tabular._cell_stats(xml.encode()) == expected


@pytest.mark.parametrize(
    "far, dense",
    [
        ("A100000", True),  # 100,000 cells laid out: the limit
        ("A100001", False),
        ("B50000", True),
        ("B50001", False),
        ("CV1000", True),  # column 100
        ("CW1000", False),
        ("A0100000", True),
        ("A00100001", False),
    ],
)
@pytest.mark.parametrize("first", [True, False])
def test_a_sheet_at_the_dense_limit_is_dense_and_one_cell_past_it_is_not(
    settings, counting, far, dense, first
):
    settings.JIXIAO_IMPORT_MAX_DENSE_CELLS = 100_000
    near, distant = f'<row r="1">{cells("A1")}</row>', f'<row r="2">{cells(far)}</row>'
    rows = distant + near if first else near + distant
    assert _check_zip(hostile.xlsx(rows)) is dense


def test_a_far_cell_in_the_last_piece_of_a_large_sheet_is_found(settings, counting):
    settings.JIXIAO_IMPORT_MAX_DENSE_CELLS = 100_000
    rows = "".join(f'<row r="{r}">{cells(f"A{r}", f"B{r}")}</row>' for r in range(1, 40_001))
    assert len(rows) > tabular._CHUNK
    assert _check_zip(hostile.xlsx(rows)) is True  # 80,000 cells
    assert _check_zip(hostile.xlsx(rows + f'<row r="40001">{cells("C40001")}</row>')) is False


def test_many_small_sheets_with_bounds_of_their_own_compile_no_pattern(monkeypatch):
    """Compiling a bound's pattern costs what counting 16 KB does: small pieces that each ask
    for another bound are counted the general way."""
    monkeypatch.setattr(tabular, "_PATTERNS", {})
    monkeypatch.setattr(tabular, "_ASKED", {})
    for row in range(2, 40):
        assert _check_zip(hostile.xlsx(f'<row r="{row}">{cells(f"C{row}")}</row>')) is True
    assert tabular._PATTERNS == {}


def test_sheets_of_one_shape_share_a_pattern(monkeypatch):
    monkeypatch.setattr(tabular, "_PATTERNS", {})
    monkeypatch.setattr(tabular, "_ASKED", {})
    rows = "".join(f'<row r="{r}">{cells(f"A{r}", f"I{r}")}</row>' for r in range(1, 26))
    for _sheet in range(tabular._COMPILE_AFTER // len(rows) + 2):
        assert tabular._cell_stats(rows.encode()) == (True, 25, 9)
    assert list(tabular._PATTERNS) == [(b"I", b"25")]


@pytest.mark.parametrize(
    "xml, found",
    [
        (b"<!DOCTYPE x>", True),
        (b"<!ENTITY y 'z'>", True),
        (b"!" * 500 + b"<!DOCTYPE x>", True),  # more "!" than the quick search looks at
        (b"<t>!</t>" * 10 + b"<!ENTITY y 'z'>", True),
        (b"<!-- a comment --><![CDATA[!]]>", False),
        (b"!DOCTYPE <! DOCTYPE", False),
        (b"!" * 500, False),
    ],
)
def test_a_dtd_is_found_by_its_bang_wherever_it_is(xml, found):
    assert tabular._declares_dtd(xml) is found


@pytest.mark.parametrize(
    "xml, found",
    [
        (b'<x:c r="A1"/>', True),
        (b'<mergeCell ref="A1:I1"/>' * 100 + b'<x:c r="A1"/>', True),  # past the quick search
        (b'<mergeCell ref="A1:I1"/>' * 100, False),
        (b'xmlns="http://schemas"', False),
    ],
)
def test_a_prefixed_cell_is_found_by_its_colon(xml, found):
    assert tabular._holds_colon_c(xml) is found


def test_a_dtd_across_the_inflated_pieces_is_refused(settings):
    settings.JIXIAO_IMPORT_MAX_UNZIPPED_BYTES = 64 << 20
    part = b"a" * (tabular._CHUNK - 4) + b"<!DOCTYPE x>"
    with pytest.raises(InputRejected) as exc:
        read_tables(hostile.xlsx(extra={"docProps/custom.xml": part}), "dtd.xlsx")
    assert "DTD" in str(exc.value.problems[0])


def _verdict(check):
    try:
        return check()
    except InputRejected as exc:
        return [str(p) for p in exc.problems]


def _halves(data: bytes):
    """The first half's refusal, else the second's, else both halves' density: what a file
    read ahead gets (`read_tables(rest=...)`, `check_second_half` in the other process)."""
    first = _verdict(lambda: _check_zip(data, 0, 2))
    if first is not True and first is not False:
        return first
    second = _verdict(lambda: tabular.check_second_half(data))
    return second if second is not True and second is not False else first and second


def _archives():
    from jixiao.core.tests.test_hostile_files import corpus

    files = {n: data for n, (_f, data) in corpus("targets").items() if tabular.is_archive(data)}
    good = hostile.xlsx(hostile.sheet_rows([["a", 1]] * 20))
    return {**files, "good": good}


@pytest.mark.parametrize("name", sorted(_archives()))
def test_an_archive_checked_in_halves_is_refused_or_passed_as_checked_whole(name, settings):
    for limit, value in hostile.LIMITS.items():
        setattr(settings, limit, value)
    data = _archives()[name]
    assert _halves(data) == _verdict(lambda: _check_zip(data))


def test_the_first_half_s_refusal_comes_before_the_second_s(settings):
    """Two bad parts, one in each half: the first in the entries' order is the one given."""
    data = hostile.xlsx(hostile.sheet_rows([["a", 1]]))
    names = [i.filename for i in zipfile.ZipFile(io.BytesIO(data)).infolist()]
    early, late = names[0], names[-1]
    bad = hostile._patch_entry(hostile._patch_entry(data, early, flags=1), late, size=1)
    with pytest.raises(InputRejected) as whole:
        _check_zip(bad)
    assert _halves(bad) == [str(p) for p in whole.value.problems]
    assert "加密" in _halves(bad)[0]
