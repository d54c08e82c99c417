"""A business office's review condition (`review.office_of_unit`), asked on every business
office's step, reads the unit's office of the year by SQL compiled once a process (issue 16,
part 5), with the answer the ORM gave."""

from types import SimpleNamespace

from django.db.models.sql.compiler import SQLCompiler

from jixiao.orgs.models import UnitYear
from jixiao.orgs.review import office_of_unit

REFUSED = "该单位不归口您所在的股室。"


def _document(world, code: str, year: int = 2022):
    return SimpleNamespace(unit_id=world.units[code].pk, year=year)


def test_an_office_reviews_only_the_units_assigned_to_it_in_the_year(world):
    business = world.users["business"]  # 社会事业股 (BIZ1): U1 and U1A
    assert office_of_unit(_document(world, "U1"), business) is None
    assert office_of_unit(_document(world, "U1A", 2021), business) is None
    assert str(office_of_unit(_document(world, "U2"), business)) == REFUSED
    assert str(office_of_unit(_document(world, "U1", 2030), business)) == REFUSED  # no year
    UnitYear.objects.filter(unit=world.units["U1"], year=2022).update(office=None)
    assert str(office_of_unit(_document(world, "U1"), business)) == REFUSED
    assert office_of_unit(_document(world, "U1", 2021), business) is None


def test_the_units_office_is_read_without_compiling_once_warm(world, monkeypatch):
    business = world.users["business"]
    office_of_unit(_document(world, "U1"), business)  # the process's first: compiles it
    made, compile_ = [], SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: made.append(self) or compile_(self, *a, **k)
    )
    assert office_of_unit(_document(world, "U1A"), business) is None
    assert str(office_of_unit(_document(world, "U2"), business)) == REFUSED
    assert made == []
