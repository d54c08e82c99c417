"""Fixtures for the targets stage: a declaration that passes the lint, and one that does not."""

from decimal import Decimal

import pytest

GOOD_ROWS = [
    {"category": "产出指标", "subcategory": "数量指标", "name": "改造老旧小区数量", "value_text": "≥12个"},
    {"category": "产出指标", "subcategory": "质量指标", "name": "工程验收合格率", "value_text": "100%"},
    {"category": "产出指标", "subcategory": "时效指标", "name": "完工时间", "value_text": "2022年12月底前"},
    {"category": "产出指标", "subcategory": "成本指标", "name": "每个小区改造成本", "value_text": "≤10万元"},
    {"category": "效益指标", "subcategory": "社会效益指标", "name": "受益居民户数", "value_text": "≥1200户"},
    {"category": "满意度指标", "subcategory": "服务对象满意度指标", "name": "居民满意度",
     "value_text": "≥90%"},
]
AMOUNTS = {"total": Decimal("120.623456"), "current": Decimal("100.123456"),
           "carryover": Decimal("20.5"), "other": None}


@pytest.fixture
def declare(world):
    """`declare("P1", rows=..., goal=...)` → a saved draft target of that project."""
    from jixiao.targets.services import target_create, target_save

    def make(project_code="P1", *, rows=GOOD_ROWS, goal="完成12个老旧小区改造，改善居住环境。",
             actor=None):
        project = world.projects[project_code]
        actor = actor or (world.child_filer if project.unit.code == "U1A" else world.filer)
        target = target_create(actor=actor, year=project.year, unit=project.unit,
                               project=project)
        return target_save(actor=actor, target=target, goal=goal, amounts=AMOUNTS,
                           serves_public=True, indicators=rows)

    return make
