"""The offices' everyday pages walked in English at 1366×768 (ux41).

The review history of every document (declarations, monitoring reports, self-evaluations) headed
its step column "Other action": the audit log's kind of entry 操作 and the table heading 操作 were
one message, translated for the audit log. The heading reads "Action" now, the audit log's
filter still "Other action".
"""

import pytest

from jixiao.targets.services import target_transition

pytestmark = pytest.mark.browser


def in_english(page):
    page.locator("select[name=language]").select_option("en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    return page


def test_the_review_history_heads_its_step_column_action(session_as, world, declare):
    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target_transition(actor=world.leader, target=target, name="submit", attest=True)
    office = in_english(session_as("business"))
    office.goto(f"/targets/{target.pk}/")
    history = office.locator("section.card", has=office.locator("h2", has_text="Review history"))
    headings = [h.strip() for h in history.locator("th").all_inner_texts()]
    assert headings[:3] == ["Time", "User", "Action"]
    assert "Other action" not in headings


def test_the_audit_logs_filter_still_names_other_actions(session_as, world):
    auditor = in_english(session_as("auditor"))
    auditor.goto("/audit/")
    kinds = auditor.locator("select[name=action] option").all_inner_texts()
    assert "Other action" in kinds and "Action" not in kinds


def test_the_rulebooks_bases_are_named_in_english(session_as, world):
    from jixiao.core.rulebook import rulebook_save

    rulebook_save(
        region_code=world.region.code,
        year=2022,
        values={"review": {"approvable_grades": ["优"]}},
        actor=world.users["performance"],
    )
    office = in_english(session_as("performance"))
    office.goto("/rulebook/")
    bases = office.locator("select[name=base] option").all_inner_texts()
    assert "National defaults (classic indicator framework)" in bases
    assert not any("国家默认" in b for b in bases)
    history = office.locator("section.card", has=office.locator("h2", has_text="Version history"))
    assert "National defaults (classic indicator framework)" in history.inner_text()
