"""The import makes each row's line for the lint without IndicatorLine's frozen `__init__`
(`importers._indicator`): the line is the one `IndicatorLine(...)` makes, field for field."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from jixiao.indicators.catalogue import CLASSIC_CATALOGUE, place_indicator
from jixiao.targets.declaration import IndicatorLine
from jixiao.targets.importers import TargetImporter

ROW = {
    "category": "产出指标",
    "subcategory": "数量指标",
    "name": "改造老旧小区数量",
    "value_text": "≥12个",
    "unit": "",
    "weight": Decimal("10.00"),
    "explanation": "",
    "basis": "计划",
    "source": "项目验收资料",
}


def _line(row: dict) -> IndicatorLine:
    importer = TargetImporter.__new__(TargetImporter)
    importer._values = {}
    placement = place_indicator(row["category"], row["subcategory"], CLASSIC_CATALOGUE)
    return importer._indicator(row, placement, 2022)[1], placement


def test_an_imported_row_s_line_equals_the_dataclass_made_with_its_fields():
    line, placement = _line(ROW)
    made = IndicatorLine(
        category="产出指标",
        subcategory="数量指标",
        name="改造老旧小区数量",
        value=line.value,
        weight=Decimal("10.00"),
        unit="个",
        explanation=None,
        basis="计划标准",
        source="项目验收资料",
        placement=placement,
    )
    assert line == made and hash(line) == hash(made)
    assert vars(line) == vars(made)
    assert line.value.number == 12


def test_the_line_sets_every_field_of_the_dataclass_and_stays_frozen():
    line, _placement = _line({**ROW, "source": ""})
    assert set(vars(line)) == {f.name for f in dataclasses.fields(IndicatorLine)}
    assert line.source is None and line.parent_indicator is None
    try:
        line.name = "别的指标"
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("the line could be changed")
