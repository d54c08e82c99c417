"""The rulebook: national defaults, named bases, regional versions (DESIGN.md)."""

import pytest

from jixiao.core import rulebook
from jixiao.core.models import Rulebook


def test_national_rulebook_has_the_classic_catalogue():
    catalogue = rulebook.named("national").section("catalogue")
    assert catalogue["categories"]["产出指标"] == ["数量指标", "质量指标", "时效指标", "成本指标"]


def test_national_2021_makes_cost_a_first_level_category():
    categories = rulebook.named("national-2021").section("catalogue")["categories"]
    assert categories["成本指标"] == ["经济成本指标", "社会成本指标", "生态环境成本指标"]
    assert "成本指标" not in categories["产出指标"]


def test_unknown_rulebook_name_is_a_clear_error():
    with pytest.raises(rulebook.RulebookError, match="未知的规则库"):
        rulebook.named("provincial-special")


def test_region_version_overrides_and_old_versions_stay_reproducible(world):
    codes = world.region.lineage_codes
    first = rulebook.rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"catalogue": {"name": "local"}},
        note="v1",
    )
    rulebook.rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"catalogue": {"name": "local-2"}},
        note="v2",
    )
    rules = rulebook.rules_for(codes, 2022)
    assert rules.get("catalogue.name") == "local-2"
    assert rules.sources == ("100101:2022 v2",)
    assert Rulebook.objects.get(pk=first.pk).values == {"catalogue": {"name": "local"}}
    assert rulebook.rules_for(codes, 2021).get("catalogue.name") == "classic"


def test_province_rules_apply_to_districts_unless_the_district_sets_its_own(world):
    rulebook.rulebook_save(
        region_code="100000",
        year=2022,
        actor=world.performance,
        values={"catalogue": {"name": "province"}},
    )
    assert rulebook.rules_for(world.region.lineage_codes, 2022).get("catalogue.name") == "province"
    rulebook.rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"catalogue": {"name": "district"}},
    )
    assert rulebook.rules_for(world.region.lineage_codes, 2022).get("catalogue.name") == "district"
    assert (
        rulebook.rules_for(world.region_b.lineage_codes, 2022).get("catalogue.name") == "province"
    )


def test_unknown_keys_and_wrong_types_are_refused(world):
    with pytest.raises(rulebook.RulebookError, match="未知的规则项"):
        rulebook.rulebook_save(
            region_code="100101",
            year=2022,
            actor=world.performance,
            values={"catalogue": {"colour": "red"}},
        )
    with pytest.raises(rulebook.RulebookError, match="类型"):
        rulebook.rulebook_save(
            region_code="100101",
            year=2022,
            actor=world.performance,
            values={"catalogue": {"name": 3}},
        )
    assert not Rulebook.objects.exists()


def test_rules_are_copies_that_callers_cannot_corrupt():
    section = rulebook.named().section("catalogue")
    section["categories"]["产出指标"].append("乱加的")
    assert "乱加的" not in rulebook.named().section("catalogue")["categories"]["产出指标"]


def test_a_resolved_rulebook_is_reused_but_never_changed_by_its_readers(world):
    codes = world.region.lineage_codes
    first = rulebook.rules_for(codes, 2022)
    section = first.section("catalogue")
    section["name"] = "changed by a caller"
    again = rulebook.rules_for(codes, 2022)
    assert again is first  # the merge of every default is done once for the same versions
    assert again.get("catalogue.name") == "classic"  # a reader's copy does not leak back
    rulebook.rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"catalogue": {"name": "n"}},
    )
    assert rulebook.rules_for(codes, 2022).get("catalogue.name") == "n"  # a new version counts
    current = rulebook.rules_for(codes, 2022)
    rulebook.register_defaults("catalogue", rulebook.defaults_snapshot()["catalogue"])
    assert rulebook.rules_for(codes, 2022) is not current  # defaults registered again count too


def test_a_region_extends_a_word_list_with_a_plus_key_and_keeps_the_national_words(world):
    national = rulebook.named().section("lint")["T10"]["vague_words"]
    rulebook.rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"lint": {"T10": {"vague_words+": ["持续向好", national[0]]}}},
        note="地方用语",
    )
    words = rulebook.rules_for(world.region.lineage_codes, 2022).section("lint")["T10"]
    assert words["vague_words"] == national + ["持续向好"]
    assert "vague_words+" not in words


def test_a_plus_key_on_a_rule_that_is_not_a_list_is_refused():
    errors = rulebook.validate_changes({"lint": {"T18": {"tolerance+": ["0.3"]}}})
    assert errors == ["未知的规则项：lint.T18.tolerance+"]


def test_a_section_handed_out_is_a_copy_down_to_its_nested_lists():
    import json

    from jixiao.core.rulebook import named

    rules = named()
    lint = rules.section("lint")
    nested = next(key for key, value in lint.items() if isinstance(value, dict | list))
    expected = json.loads(json.dumps(lint[nested]))  # what it holds, apart from any copy
    if isinstance(lint[nested], dict):
        lint[nested]["changed"] = True
    else:
        lint[nested].append("changed")
    lint["added"] = 1
    assert rules.section("lint")[nested] == expected
    assert "added" not in rules.section("lint")
    assert rules.get(f"lint.{nested}") == expected


def test_a_named_rulebook_is_made_once_and_a_region_version_never_changes_it(world):
    national = rulebook.named("national")
    assert rulebook.named("national") is national
    assert rulebook.named("national-2021") is not national
    rulebook.rulebook_save(
        region_code="100101",
        year=2022,
        actor=world.performance,
        values={"catalogue": {"name": "local", "categories": {"产出指标": ["数量指标"]}}},
    )
    local = rulebook.rules_for(world.region.lineage_codes, 2022)
    assert local.get("catalogue.categories")["产出指标"] == ["数量指标"]
    # the region's merge went into a copy: the shared national values are as registered
    assert rulebook.named("national").get("catalogue.name") == "classic"
    assert rulebook.named("national").get("catalogue.categories")["产出指标"] == [
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
    ]
    national.section("catalogue")["name"] = "changed by a caller"
    assert rulebook.named("national").get("catalogue.name") == "classic"
