"""Two people on one self-evaluation, whole-unit evaluation, ex-ante request or key evaluation's
report: a save over a colleague's newer save is stopped, and what was typed comes back to be
saved again knowingly (core/edit_stamp.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from jixiao.core.edit_stamp import NEW, Overwritten, stamp
from jixiao.evaluations import services
from jixiao.evaluations.key import exante, report, work
from jixiao.evaluations.key.models import ExAnteAssessment, KeyEvaluation, KeyStatus
from jixiao.evaluations.key.registry import agency_assign
from jixiao.evaluations.models import SelfEvaluation, UnitEvaluation
from jixiao.evaluations.services import selfeval_save, unit_evaluation_save
from jixiao.testing import at_once, colleague_first, loaded_of, one_saved

from .test_key_exante import new_project
from .test_key_report import build_evaluation
from .test_key_work import _framework_post, make_evaluation
from .test_selfeval_flow import approved, filled, rows  # noqa: F401 (fixtures)


def _selfeval_form(goal: str, loaded: str) -> dict:
    return {
        "position": ["0"],
        "executed_current": "100",
        "goal_achieved": goal,
        "actual-0": "12个",
        "weight-0": "20",
        "loaded": loaded,
    }


def test_a_selfeval_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(
    world,
    client_for,
    filled,  # noqa: F811
):
    client, url = client_for("filer"), f"/evaluations/{filled.id}/edit/"
    drawn = loaded_of(client.get(url).content.decode())
    # meanwhile a colleague saves the same self-evaluation (another tab, the API)
    selfeval_save(
        actor=world.filer,
        selfeval=filled,
        executed={"current": "100"},
        goal_achieved="同事先保存的目标完成情况。",
        rows=rows(),
    )
    answer = client.post(url, _selfeval_form("我在表里写的完成情况。", drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的完成情况。</textarea>" in page
    assert SelfEvaluation.objects.get(pk=filled.pk).goal_achieved == "同事先保存的目标完成情况。"
    # the page now carries the new stamp: saving again, knowingly, goes through
    again = _selfeval_form("我在表里写的完成情况。", loaded_of(page))
    assert client.post(url, again).status_code == 302
    assert SelfEvaluation.objects.get(pk=filled.pk).goal_achieved == "我在表里写的完成情况。"


def test_saving_a_selfeval_twice_in_a_row_from_the_page_is_not_a_conflict(
    world,
    client_for,
    filled,  # noqa: F811
):
    client, url = client_for("filer"), f"/evaluations/{filled.id}/edit/"
    for goal in ("第一次保存。", "第二次保存。"):
        drawn = loaded_of(client.get(url).content.decode())
        assert client.post(url, _selfeval_form(goal, drawn)).status_code == 302
        assert SelfEvaluation.objects.get(pk=filled.pk).goal_achieved == goal


def _unit_form(staff: str, loaded: str) -> dict:
    return {"value-在职人数": staff, "value-编制人数": "100", "loaded": loaded}


def _staff(world) -> str:
    return UnitEvaluation.objects.get(unit=world.units["U1"], year=2022).values["在职人数"]


def test_a_unit_evaluation_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(
    world, client_for
):
    unit = world.units["U1"]
    client, url = client_for("filer"), f"/unit-evaluations/{unit.id}/2022/"
    # drawn before anyone saved it: a colleague's first save is a newer save too
    drawn = loaded_of(client.get(url).content.decode())
    assert drawn == "new"
    unit_evaluation_save(
        actor=world.filer, unit=unit, year=2022, values={"在职人数": "90"}, judgements={}
    )
    answer = client.post(url, _unit_form("105", drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and 'value="105"' in page
    assert _staff(world) == "90"
    # and once more over a later save, then knowingly with the page's new stamp
    unit_evaluation_save(
        actor=world.filer, unit=unit, year=2022, values={"在职人数": "95"}, judgements={}
    )
    answer = client.post(url, _unit_form("105", loaded_of(page)))
    assert answer.status_code == 400 and _staff(world) == "95"
    assert (
        client.post(url, _unit_form("105", loaded_of(answer.content.decode()))).status_code == 302
    )
    assert _staff(world) == "105"


def test_saving_a_unit_evaluation_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for):
    client, url = client_for("filer"), f"/unit-evaluations/{world.units['U1'].id}/2022/"
    for staff in ("101", "102"):
        drawn = loaded_of(client.get(url).content.decode())
        assert client.post(url, _unit_form(staff, drawn)).status_code == 302
        assert _staff(world) == staff


def _exante(world):
    return exante.exante_create(
        actor=world.filer, region=world.region, year=2022, project=new_project(world)
    )


def test_an_exante_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(world, client_for):
    assessment = _exante(world)
    client, url = client_for("filer"), f"/ex-ante/{assessment.pk}/"
    drawn = loaded_of(client.get(url).content.decode())
    # meanwhile a colleague saves the same request (another tab, the API)
    exante.exante_save(actor=world.filer, assessment=assessment, necessity="同事先写的必要性。")
    mine = {"necessity": "我写的必要性。", "plan": "我写的实施方案。", "loaded": drawn}
    answer = client.post(f"{url}edit/", mine)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page
    assert "我写的必要性。</textarea>" in page and "我写的实施方案。</textarea>" in page
    stored = ExAnteAssessment.objects.get(pk=assessment.pk)
    assert (stored.necessity, stored.plan) == ("同事先写的必要性。", "")
    # the page now carries the new stamp: saving again, knowingly, goes through
    assert client.post(f"{url}edit/", {**mine, "loaded": loaded_of(page)}).status_code == 302
    stored = ExAnteAssessment.objects.get(pk=assessment.pk)
    assert (stored.necessity, stored.plan) == ("我写的必要性。", "我写的实施方案。")


def test_saving_an_exante_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for):
    assessment = _exante(world)
    client, url = client_for("filer"), f"/ex-ante/{assessment.pk}/"
    for text in ("第一次保存。", "第二次保存。"):
        drawn = loaded_of(client.get(url).content.decode())
        assert client.post(f"{url}edit/", {"necessity": text, "loaded": drawn}).status_code == 302
        assert ExAnteAssessment.objects.get(pk=assessment.pk).necessity == text


def _report_form(text: str, loaded: str) -> dict:
    parts = {key: f"{key}文字" for key in report.PART_KEYS}
    return {**parts, "other": text, "title": "标题", "note": "按意见修改", "loaded": loaded}


def _latest(evaluation):
    return evaluation.reports.order_by("-number").first()


def test_a_key_report_edit_over_a_newer_version_is_stopped_and_keeps_what_was_typed(
    world, client_for
):
    evaluation = build_evaluation(world)
    report.report_generate(actor=world.agency, evaluation=evaluation)
    client, url = client_for("agency"), f"/key-evaluations/{evaluation.pk}/report/edit/"
    drawn = loaded_of(client.get(url).content.decode())
    # meanwhile a colleague saves version 2 (another tab, the office)
    edit = {"sections": {"other": "同事先写的说明。"}, "note": "同事修改"}
    report.report_edit(actor=world.agency, evaluation=evaluation, **edit)
    answer = client.post(url, _report_form("我写的说明。", drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我写的说明。</textarea>" in page
    assert _latest(evaluation).number == 2
    assert _latest(evaluation).sections["parts"]["other"] == "同事先写的说明。"
    # the page now carries version 2's stamp: saving again, knowingly, goes through
    assert client.post(url, _report_form("我写的说明。", loaded_of(page))).status_code == 302
    latest = _latest(evaluation)
    assert latest.number == 3 and latest.sections["parts"]["other"] == "我写的说明。"


def test_saving_a_key_report_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for):
    evaluation = build_evaluation(world)
    report.report_generate(actor=world.agency, evaluation=evaluation)
    client, url = client_for("agency"), f"/key-evaluations/{evaluation.pk}/report/edit/"
    for number, text in ((2, "第一次保存。"), (3, "第二次保存。")):
        drawn = loaded_of(client.get(url).content.decode())
        assert client.post(url, _report_form(text, drawn)).status_code == 302
        assert (_latest(evaluation).number, _latest(evaluation).sections["parts"]["other"]) == (
            number,
            text,
        )


# ------------------------------------------- parts of a key evaluation: framework, plan, response
# Their stamp is the part's content as drawn (core/edit_stamp.py, `part`): the framework's rows
# leave the evaluation's `updated_at` alone, and the plan and the response share it with every
# other save of the evaluation.


def _weights(evaluation) -> dict[str, Decimal]:
    return {i.level3: i.weight for i in evaluation.panel.indicators.all()}


def test_a_framework_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(world, client_for):
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    client, url = client_for("agency"), reverse("key-framework", args=[evaluation.pk])
    drawn = loaded_of(client.get(url).content.decode())
    mine = {**_framework_post(evaluation, {"立项依据充分性": "20", "预算执行率": "20"})}
    # meanwhile the office moves five points from 决策 to 产出 (its own page, another tab)
    office = _framework_post(evaluation, {"立项依据充分性": "10", "实际完成率": "35"})
    rows = [
        {"id": key, **{f: office[f"{f}-{key}"] for f in work.INDICATOR_FIELDS}}
        for key in office["row"]
    ]
    work.framework_save(actor=world.performance, evaluation=evaluation, rows=rows)
    answer = client.post(url, {**mine, "loaded": drawn})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改。" in page
    ours = next(key for key in mine["row"] if mine[f"level3-{key}"] == "立项依据充分性")
    assert f'name="weight-{ours}" value="20"' in page
    assert _weights(evaluation)["立项依据充分性"] == Decimal("10")
    # the page now carries the office's framework's stamp: saving again, knowingly, goes through
    assert client.post(url, {**mine, "loaded": loaded_of(page)}).status_code == 302
    assert _weights(evaluation) == {
        "立项依据充分性": Decimal("20"),
        "预算执行率": Decimal("20"),
        "实际完成率": Decimal("30"),
        "满意度": Decimal("30"),
    }


def test_saving_a_framework_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for):
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    client, url = client_for("agency"), reverse("key-framework", args=[evaluation.pk])
    for weight in ("10", "5"):
        drawn = loaded_of(client.get(url).content.decode())
        other = str(40 - int(weight))  # 预算执行率 takes what 立项依据充分性 gives
        data = _framework_post(evaluation, {"立项依据充分性": weight, "预算执行率": other})
        assert client.post(url, {**data, "loaded": drawn}).status_code == 302
        assert _weights(evaluation)["立项依据充分性"] == Decimal(weight)


# the work plan (the agency, while notified) and the unit's response (on the draft report)
PARTS = {
    "plan": ("key-work-plan", KeyStatus.NOTIFIED, "agency", "work_plan", work.work_plan_save),
    "response": (
        "key-response",
        KeyStatus.DRAFT_REPORT,
        "filer",
        "unit_response",
        work.response_save,
    ),
}


def _part(world, name: str):
    url_name, status, persona, field, save = PARTS[name]
    evaluation = make_evaluation(world, status=status)
    url = reverse(url_name, args=[evaluation.pk])

    def stored() -> str:
        return getattr(KeyEvaluation.objects.get(pk=evaluation.pk), field)

    def colleague(text: str) -> None:
        save(actor=world.users[persona], evaluation=evaluation, text=text)

    return evaluation, url, persona, stored, colleague


@pytest.mark.parametrize("name", PARTS)
def test_a_key_part_save_over_a_newer_save_is_stopped_and_keeps_what_was_typed(
    world, client_for, name
):
    evaluation, url, persona, stored, colleague = _part(world, name)
    client = client_for(persona)
    drawn = loaded_of(client.get(url).content.decode())
    colleague("同事先保存的内容。")  # another tab, the API
    answer = client.post(url, {"text": "我在表里写的内容。", "loaded": drawn})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改。" in page and "我在表里写的内容。</textarea>" in page
    assert stored() == "同事先保存的内容。"
    # the page now carries the new stamp: saving again, knowingly, goes through
    again = client.post(url, {"text": "我在表里写的内容。", "loaded": loaded_of(page)})
    assert again.status_code == 302 and stored() == "我在表里写的内容。"


@pytest.mark.parametrize("name", PARTS)
def test_saving_a_key_part_twice_in_a_row_from_the_page_is_not_a_conflict(world, client_for, name):
    evaluation, url, persona, stored, colleague = _part(world, name)
    client = client_for(persona)
    for text in ("第一次保存。", "第二次保存。"):
        drawn = loaded_of(client.get(url).content.decode())
        assert client.post(url, {"text": text, "loaded": drawn}).status_code == 302
        assert stored() == text


@pytest.mark.parametrize("name", PARTS)
def test_a_save_of_another_part_of_the_evaluation_does_not_refuse(world, client_for, name):
    evaluation, url, persona, stored, colleague = _part(world, name)
    client = client_for(persona)
    drawn = loaded_of(client.get(url).content.decode())
    # meanwhile the evaluation is saved elsewhere: its `updated_at` moves, this part does not
    before = KeyEvaluation.objects.get(pk=evaluation.pk).updated_at
    if name == "plan":  # the office entrusts it to the same agency again
        agency_assign(actor=world.performance, evaluation=evaluation, agency=evaluation.agency)
    else:  # any other save of the evaluation's own fields (a transition, the admin)
        other = KeyEvaluation.objects.get(pk=evaluation.pk)
        other.agency_quality_note = "机构按时进场。"
        other.save()
    assert KeyEvaluation.objects.get(pk=evaluation.pk).updated_at > before
    answer = client.post(url, {"text": "我在表里写的内容。", "loaded": drawn})
    assert answer.status_code == 302 and stored() == "我在表里写的内容。"


# ------------------------------------------------------- two saves at the same instant
# The check is made by each service on the row as read under its lock (core/edit_stamp.py): of
# two saves drawn from one version, the later sees the earlier's save, however close they come.


def _service_case(world, request, name: str):
    """(the stamp a form was drawn with, `save(text, loaded)` through the service, the stored
    text) for each document whose service takes the form's stamp."""
    if name == "selfeval":
        selfeval = request.getfixturevalue("filled")

        def save(text, loaded):
            doc = SelfEvaluation.objects.get(pk=selfeval.pk)
            return selfeval_save(
                actor=world.filer,
                selfeval=doc,
                executed={"current": "100"},
                goal_achieved=text,
                rows=rows(),
                loaded=loaded,
            )

        return (
            stamp(selfeval),
            save,
            lambda: SelfEvaluation.objects.get(pk=selfeval.pk).goal_achieved,
        )
    if name == "unit":
        unit = world.units["U1"]

        def save(text, loaded):
            values = {"在职人数": text, "编制人数": "100"}
            return unit_evaluation_save(
                actor=world.filer, unit=unit, year=2022, values=values, judgements={}, loaded=loaded
            )

        return NEW, save, lambda: _staff(world)
    if name == "exante":
        assessment = _exante(world)

        def save(text, loaded):
            doc = ExAnteAssessment.objects.get(pk=assessment.pk)
            exante.exante_save(actor=world.filer, assessment=doc, necessity=text, loaded=loaded)

        return (
            stamp(assessment),
            save,
            lambda: ExAnteAssessment.objects.get(pk=assessment.pk).necessity,
        )
    if name == "report":
        evaluation = build_evaluation(world)
        report.report_generate(actor=world.agency, evaluation=evaluation)

        def save(text, loaded):
            sections = {"other": text}
            report.report_edit(
                actor=world.agency,
                evaluation=evaluation,
                sections=sections,
                note="改",
                loaded=loaded,
            )

        return (
            stamp(_latest(evaluation)),
            save,
            lambda: _latest(evaluation).sections["parts"]["other"],
        )
    evaluation, _url, persona, stored, _colleague = _part(world, name)
    field, service = PARTS[name][3], PARTS[name][4]

    def save(text, loaded):
        doc = KeyEvaluation.objects.get(pk=evaluation.pk)
        service(actor=world.users[persona], evaluation=doc, text=text, loaded=loaded)

    return stamp(evaluation, part=getattr(evaluation, field)), save, stored


@pytest.mark.parametrize("name", ["selfeval", "unit", "exante", "report", *PARTS])
def test_a_service_refuses_a_save_drawn_before_the_last_and_writes_nothing(world, request, name):
    drawn, save, stored = _service_case(world, request, name)
    save("101", drawn)  # the colleague's, from the same version: goes through
    with pytest.raises(Overwritten) as refused:
        save("102", drawn)
    assert stored() == "101" and refused.value.stamp != drawn
    save("103", refused.value.stamp)  # knowingly, with the newer stamp
    assert stored() == "103"


def test_a_colleague_saving_after_the_page_read_the_selfeval_is_still_caught(
    world,
    client_for,
    filled,  # noqa: F811
    monkeypatch,
):
    client, url = client_for("filer"), f"/evaluations/{filled.id}/edit/"
    drawn = loaded_of(client.get(url).content.decode())
    colleague = _selfeval_colleague(world, filled)
    colleague_first(monkeypatch, services, "selfeval_save", colleague)
    answer = client.post(url, _selfeval_form("我在表里写的完成情况。", drawn))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改" in page and "我在表里写的完成情况。</textarea>" in page
    stored = SelfEvaluation.objects.get(pk=filled.pk)
    assert stored.goal_achieved == "同事先保存的目标完成情况。"
    assert loaded_of(page) == stamp(stored)


def _selfeval_colleague(world, selfeval):
    return lambda: selfeval_save(
        actor=world.filer,
        selfeval=SelfEvaluation.objects.get(pk=selfeval.pk),
        executed={"current": "100"},
        goal_achieved="同事先保存的目标完成情况。",
        rows=rows(),
    )


@pytest.mark.parametrize("name", PARTS)
def test_a_colleague_saving_a_key_part_after_the_page_read_it_is_still_caught(
    world, client_for, monkeypatch, name
):
    evaluation, url, persona, stored, colleague = _part(world, name)
    client = client_for(persona)
    drawn = loaded_of(client.get(url).content.decode())
    service = PARTS[name][4].__name__
    colleague_first(monkeypatch, work, service, lambda: colleague("同事先保存的内容。"))
    answer = client.post(url, {"text": "我在表里写的内容。", "loaded": drawn})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "这张表在您打开之后已被修改。" in page and "我在表里写的内容。</textarea>" in page
    assert stored() == "同事先保存的内容。"
    assert loaded_of(page) == stamp(evaluation, part="同事先保存的内容。")


@pytest.mark.django_db(transaction=True)
def test_two_selfeval_saves_posted_at_the_same_instant_one_wins_the_other_is_shown(
    world,
    client_for,
    filled,  # noqa: F811
    monkeypatch,
):
    url = f"/evaluations/{filled.id}/edit/"
    clients = [client_for("filer"), client_for("filer")]
    drawn = loaded_of(clients[0].get(url).content.decode())
    typed = ["甲写的完成情况。", "乙写的完成情况。"]
    forms = [(c, url, _selfeval_form(text, drawn)) for c, text in zip(clients, typed, strict=True)]
    saved = one_saved(at_once(monkeypatch, services, "selfeval_save", forms))
    assert SelfEvaluation.objects.get(pk=filled.pk).goal_achieved == typed[saved]


@pytest.mark.django_db(transaction=True)
def test_two_work_plan_saves_posted_at_the_same_instant_one_wins_the_other_is_shown(
    world, client_for, monkeypatch
):
    evaluation, url, persona, stored, colleague = _part(world, "plan")
    clients = [client_for(persona), client_for(persona)]
    drawn = loaded_of(clients[0].get(url).content.decode())
    typed = ["甲写的工作方案。", "乙写的工作方案。"]
    forms = [
        (c, url, {"text": text, "loaded": drawn}) for c, text in zip(clients, typed, strict=True)
    ]
    saved = one_saved(at_once(monkeypatch, work, "work_plan_save", forms))
    assert stored() == typed[saved]
