"""The alert rules are read once for each resolved rulebook (`services.monitoring_rules`, issue
16, part 5): every report save asks for them; the same rulebook versions give the same rules,
a new version gives new rules at once, from a section nobody can change."""

import pytest

from jixiao.core.rulebook import rulebook_save
from jixiao.monitoring.services import monitoring_rules


def test_the_same_rulebook_gives_the_same_alert_rules(world):
    first = monitoring_rules(world.region, 2022)
    assert monitoring_rules(world.region, 2022) is first
    assert first.disposal_days == 10
    with pytest.raises(TypeError):
        first.section["disposal"]["working_days"] = 1


def test_a_new_rulebook_version_applies_at_once(world):
    before = monitoring_rules(world.region, 2022)
    rulebook_save(region_code=world.region.code, year=2022, actor=world.performance,
                  values={"monitoring": {"disposal": {"working_days": 5}}}, note="五个工作日")  # fmt: skip
    after = monitoring_rules(world.region, 2022)
    assert after is not before and after.disposal_days == 5
    assert monitoring_rules(world.region_b, 2022).disposal_days == 10  # another region's own
