"""What a target's pages read on every request, by SQL compiled once a process (issue 16,
part 5): its indicators (`selectors.target_get`) and its files (the 佐证材料 card,
`core.attachments.attachments_listed`), as the ORM's prefetch and queryset gave them."""

import pytest
from django.db.models.sql.compiler import SQLCompiler

from jixiao.core.attachments import (
    attachment_add,
    attachment_remove,
    attachments_listed,
    attachments_of,
)
from jixiao.targets import selectors

PDF = b"%PDF-1.4 the signed scan"


@pytest.fixture
def compilations(monkeypatch):
    """How many queries the ORM compiles (`SQLCompiler.as_sql`) while the test runs."""
    made = []
    compile_ = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        made.append(self.query.model.__name__)
        return compile_(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return made


def test_a_targets_indicators_come_in_order_with_their_target(
    world, declare, django_assert_num_queries
):
    target = declare()
    expected = list(target.indicators.order_by("position"))
    read = selectors.target_get(user=world.filer, pk=target.pk)
    with django_assert_num_queries(0):  # read with the target
        rows = list(read.indicators.all())
        owners = {row.target for row in rows}
    assert [(r.pk, r.position, r.name, r.value_text) for r in rows] == [
        (r.pk, r.position, r.name, r.value_text) for r in expected
    ]
    assert len(rows) > 1 and owners == {read}
    # A further filter reads afresh, as a prefetched relation does.
    assert list(read.indicators.filter(position=0)) == expected[:1]


def test_the_files_card_lists_every_file_with_the_removed_ones_and_the_uploader(
    world, declare, client_for
):
    target, other = declare(), declare("P2", actor=world.users["other"])
    first = attachment_add(
        obj=target, name="发文.pdf", data=PDF, actor=world.filer, can_change=True
    )
    attachment_add(
        obj=target, name="另一份.pdf", data=PDF + b"2", actor=world.filer, can_change=True
    )
    attachment_add(obj=other, name="别人的.pdf", data=PDF, actor=world.filer, can_change=True)
    attachment_remove(attachment=first, actor=world.filer, can_change=True)
    listed = attachments_listed(target)
    assert listed == list(attachments_of(target, include_removed=True))
    assert [(f.name, f.removed_at is not None, f.uploaded_by) for f in listed] == [
        ("发文.pdf", True, world.filer),
        ("另一份.pdf", False, world.filer),
    ]
    page = client_for("filer").get(f"/targets/{target.pk}/").content.decode()
    assert "发文.pdf" in page and "另一份.pdf" in page and "别人的.pdf" not in page
    assert "已移除" in page


def test_the_detail_and_edit_pages_compile_no_query_once_warm(
    world, declare, client_for, compilations
):
    target = declare()
    attachment_add(obj=target, name="发文.pdf", data=PDF, actor=world.filer, can_change=True)
    client = client_for("filer")
    for page in (f"/targets/{target.pk}/", f"/targets/{target.pk}/edit/"):
        client.get(page)  # the process's first: compiles what it keeps
        compilations.clear()
        assert client.get(page).status_code == 200
        assert [m for m in compilations if m in ("Indicator", "Attachment")] == [], page


def test_completing_needs_an_indicator_whether_or_not_the_page_read_them(
    world, declare, django_assert_num_queries
):
    from jixiao.targets.models import Target
    from jixiao.targets.workflow import TARGET_WORKFLOW

    complete = TARGET_WORKFLOW.get("complete")
    filled = declare()
    bare = Target.objects.create(region=world.region, year=2022, unit=world.units["U1"])
    for target, refused in ((filled, False), (bare, True)):
        stored = Target.objects.get(pk=target.pk)  # as a step reads it: the rows not read
        problems = TARGET_WORKFLOW.problems(stored, world.filer, complete)
        assert ("还没有填写绩效指标。" in problems) is refused
        read = selectors.target_get(user=world.filer, pk=target.pk)
        with django_assert_num_queries(0):  # the page's rows, read with the target
            problems = [c(read, world.filer) for c in complete.conditions]
        assert ("还没有填写绩效指标。" in problems) is refused


def test_a_steps_unit_year_is_read_without_compiling_once_warm(world, declare, compilations):
    from jixiao.targets.models import Target
    from jixiao.targets.workflow import _parent_unit

    child, own = declare("P1A"), declare()
    assert _parent_unit(Target.objects.get(pk=child.pk)) == world.units["U1"].pk  # warm
    compilations.clear()
    assert _parent_unit(Target.objects.get(pk=child.pk)) == world.units["U1"].pk
    assert _parent_unit(Target.objects.get(pk=own.pk)) is None
    assert "UnitYear" not in compilations
