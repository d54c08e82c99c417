"""A target save lints with the rulebook's shared, read-only sections (issue 16, part 5): the
second save under the same rulebook version finds the facts of its rows the first derived
(`lint_base.RowFacts`, kept by the rules' identity); a new version gives fresh facts and its
rule applies at the next save; the lint finds with the shared sections exactly what it finds
with a copy. And the lint's context of a project new this year, without a parent, reads its
siblings as plain columns, the same siblings as the full read."""

import copy
import pickle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.budgets.models import Project
from jixiao.core import rulebook
from jixiao.targets import adapters, history, lint_base
from jixiao.targets.lint import lint
from jixiao.targets.models import Indicator, Target, TargetStatus
from jixiao.targets.services import target_save
from jixiao.testing import AMOUNTS, GOOD_ROWS
from tests.corpus import quality

NAMES = [row["name"] for row in GOOD_ROWS]
OUTAGE = {
    "category": "产出指标",
    "subcategory": "质量指标",
    "name": "计划外停电",
    "value_text": "无",
}


@pytest.fixture
def facts_made(monkeypatch):
    """The names of the rows whose facts were derived, in order (an empty store to start)."""
    made = []

    class Counted(lint_base.RowFacts):
        __slots__ = ()

        def __init__(self, line, placement):
            made.append(line.name)
            super().__init__(line, placement)

    monkeypatch.setattr(lint_base, "RowFacts", Counted)
    monkeypatch.setattr(lint_base, "_FACTS", {})
    return made


def _save(world, target, rows=GOOD_ROWS, goal="完成12个老旧小区改造，改善居住环境。"):
    return target_save(actor=world.filer, target=target, goal=goal, amounts=AMOUNTS,
                       serves_public=True, indicators=rows)  # fmt: skip


def test_a_second_save_under_the_same_rulebook_finds_the_facts_of_its_rows(
    world, declare, facts_made
):
    target = declare()
    assert facts_made == NAMES  # the first lint of these rows in this process
    facts_made.clear()
    _save(world, target, goal="完成12个老旧小区改造，惠及居民1200户。")
    assert facts_made == []
    other = declare("P2", actor=world.users["other"])  # another unit, the same rules
    assert other.pk != target.pk and facts_made == []


def test_a_new_rulebook_version_gives_fresh_facts_and_its_rule_applies_at_the_next_save(
    world, declare, facts_made
):
    target = declare(rows=[*GOOD_ROWS, OUTAGE])
    assert [f["indicator"] for f in target.findings if f["code"] == "T02"] == [len(GOOD_ROWS)]
    facts_made.clear()
    rulebook.rulebook_save(region_code=world.region.code, year=2022, actor=world.performance,
                           values={"lint": {"T02": {"incident_names+": ["停电"]}}},
                           note="停电次数为负面事项")  # fmt: skip
    saved = _save(world, target, rows=[*GOOD_ROWS, OUTAGE])
    assert [f for f in saved.findings if f["code"] == "T02"] == []  # "无" now means "= 0"
    assert facts_made == [*NAMES, OUTAGE["name"]]


def test_the_lint_reads_the_same_shared_sections_for_every_target_of_a_version(world, declare):
    first, second = declare(), declare("P2", actor=world.users["other"])
    lint_rules, catalogue = adapters.rules_of(first)
    assert adapters.rules_of(second) == (lint_rules, catalogue)
    assert all(
        a is b for a, b in zip(adapters.rules_of(second), (lint_rules, catalogue), strict=True)
    )


def test_the_shared_sections_cannot_be_changed():
    rules = rulebook.named()
    lint_rules = rules.frozen_section("lint")
    assert lint_rules is rules.frozen_section("lint")
    with pytest.raises(TypeError):
        lint_rules["T10"]["vague_words"] = []
    with pytest.raises(AttributeError):
        lint_rules["T10"]["vague_words"].append("进一步")
    assert rulebook.thawed(lint_rules) == rules.section("lint")
    changed = rules.section("lint")
    changed["T10"]["vague_words"] = []  # the copying API stays the caller's to change
    assert rules.frozen_section("lint")["T10"]["vague_words"]
    with pytest.raises(rulebook.RulebookError):
        rules.frozen_section("no such section")


def test_rules_with_shared_sections_still_copy_and_pickle():
    rules = rulebook.named()
    lint_rules = rules.frozen_section("lint")
    for again in (copy.deepcopy(rules), pickle.loads(pickle.dumps(rules))):
        assert again == rules
        assert again.frozen_section("lint") == lint_rules  # its own, made when asked
        assert again.frozen_section("lint") is not lint_rules


@pytest.mark.parametrize("base", sorted(rulebook.BASES))
def test_the_lint_finds_with_the_shared_sections_what_it_finds_with_a_copy(base):
    rules = rulebook.named(base)
    copied = quality.Rules(rules.section("lint"), rules.section("catalogue"), None)
    shared = quality.Rules(rules.frozen_section("lint"), rules.frozen_section("catalogue"), None)
    linted = 0
    for item in quality.load():
        declaration, errors = quality.read_declaration(item, shared)
        assert (declaration, errors) == quality.read_declaration(item, copied), item.id
        if item.kind != "target" or declaration is None:
            continue
        expected = lint(declaration, rules=copied.lint, catalogue=copied.catalogue)
        assert lint(declaration, rules=shared.lint, catalogue=shared.catalogue) == expected
        linted += 1
    assert linted >= 50  # the corpus's target declarations
    assert rulebook.thawed(shared.lint) == rules.section("lint")  # the lint changed nothing


# --------------------------------------------------------------------------- the context


def _project(world, code: str, year: int, name: str, unit="U1") -> Project:
    return Project.objects.create(
        region=world.region, year=year, code=code, name=name, unit=world.units[unit]
    )


def _target(project: Project, status: str, goal: str, version: int = 1) -> Target:
    target = Target.objects.create(version=version, region=project.region, year=project.year,
                                   unit=project.unit, project=project, status=status, goal=goal)  # fmt: skip
    Indicator.objects.create(
        target=target, position=0, category="产出指标", subcategory="数量指标", name=goal
    )
    return target


@pytest.fixture
def new_project(world, declare):
    """P1N of unit U1, new in 2022 and without a parent, beside P1 and P1D (whose superseded
    version is no sibling); last year only another unit's project of another code and name."""
    declare()
    target = _target(_project(world, "P1N", 2022, "项目P1N"), TargetStatus.DRAFT, "今年")
    brother = _project(world, "P1D", 2022, "项目P1D")
    _target(brother, TargetStatus.SUPERSEDED, "兄弟旧版")
    _target(brother, TargetStatus.SUBMITTED, "兄弟", version=2)
    _target(_project(world, "X9", 2021, "项目X9", unit="U2"), TargetStatus.APPROVED, "别人")
    return target


def test_a_new_projects_context_reads_its_siblings_in_three_queries(
    new_project, django_assert_num_queries
):
    declaration = adapters.declaration_of(new_project)
    full = adapters.project_context(new_project.project, declaration)  # the read of every part
    with django_assert_num_queries(3):  # last year's project (none), the siblings and their rows
        context = adapters.context_of(new_project, declaration)
    assert context == full
    assert [s.label for s in context.siblings] == ["项目P1", "项目P1D"]
    assert context.siblings[1].items == (("兄弟", ""),)
    assert context.last_year is None and context.previous_actuals == {}


@pytest.mark.parametrize("code, name", [("P1N", "旧名"), ("X8", "项目P1N")])
def test_a_project_of_last_year_by_code_or_by_unit_and_name_is_still_found(
    world, new_project, monkeypatch, code, name
):
    monkeypatch.setattr(history, "_PROVIDERS", [])
    _target(_project(world, code, 2021, name), TargetStatus.APPROVED, "去年")
    context = adapters.context_of(new_project)
    assert context.last_year.goal == "去年"
    assert [s.label for s in context.siblings] == ["项目P1", "项目P1D"]


def test_the_siblings_rows_are_read_by_their_targets_ids_not_by_a_join(new_project):
    """A join's plan rests on the tables' statistics: with statistics PostgreSQL took while
    the tables were nearly empty, it walked every indicator against every target (3 s a save
    on the demo's rows, and the test runs' demo builds five times as long). A lookup by the
    targets' ids uses the index whatever the statistics say."""
    with CaptureQueriesContext(connection) as queries:
        signatures = adapters.unit_signatures(new_project.unit_id, 2022)
    assert [s.label for _project, s in signatures] == ["项目P1", "项目P1D", "项目P1N"]
    assert dict((s.label, s.items) for _project, s in signatures)["项目P1D"] == (("兄弟", ""),)
    rows = [q["sql"] for q in queries if 'FROM "targets_indicator"' in q["sql"]]
    assert len(rows) == 1
    assert "JOIN" not in rows[0] and "targets_target" not in rows[0]
