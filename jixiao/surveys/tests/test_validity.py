"""Which responses count (DOMAIN.md §6.4: too fast, straight-lining, required questions empty)
and the question sets by project type that surveys start from. Pure functions, no database."""

import copy
from types import SimpleNamespace

import pytest

import jixiao.surveys.rules  # noqa: F401  (registers "survey")
from jixiao.core import rulebook
from jixiao.demo.district import UNITS
from jixiao.surveys.models import QuestionKind
from jixiao.surveys.question_sets import QUESTION_SETS, choices, kind_for, question_set
from jixiao.surveys.validity import REASONS, ResponseFacts, is_empty, response_facts, validity


@pytest.fixture
def rules():
    return rulebook.named("national").section("survey")


VARIED = ("很满意", "满意", "满意", "基本满意")


# --- the checks ---------------------------------------------------------------------------------


def test_an_ordinary_response_is_valid_and_says_why(rules):
    result = validity(ResponseFacts(seconds=95, scale_answers=VARIED), rules)
    assert result == (True, "", result.explanation)
    assert result.explanation.startswith("有效问卷")
    assert "作答用时95秒，不少于30秒" in result.explanation
    assert "4道量表题的选择不完全相同" in result.explanation
    assert "必答题均已作答" in result.explanation


def test_under_thirty_seconds_is_too_fast_and_thirty_is_enough(rules):
    valid, reason, explanation = validity(ResponseFacts(29, VARIED), rules)
    assert (valid, reason) == (False, "too_fast")
    assert "作答用时29秒，少于30秒" in explanation
    assert validity(ResponseFacts(30, VARIED), rules).valid


def test_paper_answers_are_not_timed(rules):
    result = validity(ResponseFacts(None, VARIED), rules)
    assert result.valid
    assert "未计时" in result.explanation


def test_same_option_on_every_scale_question_is_straight_lining(rules):
    result = validity(ResponseFacts(120, ("满意", "满意", "满意")), rules)
    assert (result.valid, result.reason) == (False, "straight")
    assert "3道量表题全部选择“满意”" in result.explanation


def test_straight_lining_needs_three_scale_questions(rules):
    result = validity(ResponseFacts(120, ("很满意", "很满意")), rules)
    assert result.valid
    assert "少于3道" in result.explanation
    assert validity(ResponseFacts(120, ("很满意",) * 4), rules).reason == "straight"


def test_required_question_left_empty(rules):
    facts = ResponseFacts(120, VARIED, required_empty=("您的身份是：", "您对……是否满意？"))
    result = validity(facts, rules)
    assert (result.valid, result.reason) == (False, "required")
    assert "必答题未作答：“您的身份是：”、“您对……是否满意？”" in result.explanation


def test_reason_precedence_is_too_fast_then_straight_then_required(rules):
    assert REASONS == ("too_fast", "straight", "required")
    everything = ResponseFacts(5, ("满意",) * 3, required_empty=("您的身份是：",))
    result = validity(everything, rules)
    assert result.reason == "too_fast"
    # the explanation still gives every check that failed
    assert "少于30秒" in result.explanation and "全部选择“满意”" in result.explanation
    assert "必答题未作答" in result.explanation
    assert validity(ResponseFacts(None, ("满意",) * 3, ("您的身份是：",)), rules).reason == (
        "straight"
    )


def test_the_rulebook_thresholds_are_used(rules):
    changed = copy.deepcopy(rules)
    changed["validity"] = {"min_seconds": 60, "straight_min_questions": 5}
    assert validity(ResponseFacts(45, VARIED), changed).reason == "too_fast"
    assert validity(ResponseFacts(90, ("满意",) * 4), changed).valid  # 4 < 5: not checked


# --- facts from questions and answers ------------------------------------------------------------

QUESTIONS = [
    {"id": 1, "kind": "group", "required": True, "text": "您的身份是："},
    {"id": 2, "kind": "scale", "required": True, "text": "问题甲"},
    {"id": 3, "kind": "scale", "required": True, "text": "问题乙"},
    {"id": 4, "kind": "scale", "required": False, "text": "问题丙"},
    {"id": 5, "kind": "number", "required": True, "text": "家庭人数"},
    {"id": 6, "kind": "text", "required": True, "text": "意见建议"},
]


def test_facts_collect_scale_answers_and_required_questions_left_empty():
    answers = {2: ["满意"], 3: "很满意", 5: 0, 6: "   "}
    facts = response_facts(QUESTIONS, answers, 40)
    assert facts.seconds == 40
    assert list(facts.scale_answers) == ["满意", "很满意"]  # the optional 丙 unanswered
    # the group question is missing and the text is blank; 0 is an answer
    assert list(facts.required_empty) == ["您的身份是：", "意见建议"]


def test_facts_read_question_objects_as_well():
    rows = [SimpleNamespace(**q) for q in QUESTIONS]
    answers = {1: ["居民"], 2: ["满意"], 3: ["满意"], 4: ["满意"], 5: 3, 6: "很好"}
    facts = response_facts(rows, answers, None)
    assert list(facts.scale_answers) == ["满意"] * 3 and not facts.required_empty


def test_empty_answers():
    assert is_empty(None) and is_empty("") and is_empty(" \n") and is_empty([]) and is_empty([""])
    assert not is_empty(0) and not is_empty(["满意"]) and not is_empty("好")


# --- question sets ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(QUESTION_SETS))
def test_every_set_has_the_questions_a_survey_needs(kind):
    found = question_set(kind)
    questions = found["questions"]
    assert found["title"] and found["intro"] and found["label"]
    assert 6 <= len(questions) <= 10
    kinds = [q["kind"] for q in questions]
    assert set(kinds) <= set(QuestionKind.values)
    for one_of in ("group", "single", "multiple", "number", "text"):
        assert kinds.count(one_of) == 1, one_of
    group = next(q for q in questions if q["kind"] == "group")
    assert len(group["options"]) >= 3 and group["required"]
    counting = [q for q in questions if q["counts"]]
    assert 2 <= len(counting) <= 4
    assert all(q["kind"] == "scale" and q["required"] for q in counting)
    # enough scale questions for the straight-lining check to apply
    assert kinds.count("scale") >= 3
    for q in questions:
        if q["kind"] in ("single", "multiple"):
            assert len(q["options"]) >= 3 and len(set(q["options"])) == len(q["options"])


def test_a_set_is_a_fresh_copy_and_can_name_its_subject_and_scale(rules):
    first = question_set("education")
    first["questions"].clear()
    assert question_set("education")["questions"]
    named = question_set("health", subject="东湖区家庭医生签约服务项目", rules=rules)
    assert named["title"] == "东湖区家庭医生签约服务项目满意度调查问卷"
    scale = [q for q in named["questions"] if q["kind"] == "scale"]
    assert all(q["options"] == ["很满意", "满意", "基本满意", "不满意", "很不满意"] for q in scale)
    assert all(q["options"] == [] for q in question_set("health")["questions"] if q["counts"])


def test_an_unknown_set_is_a_key_error():
    with pytest.raises(KeyError):
        question_set("space")


def test_choices_list_the_five_sets():
    assert choices() == [
        ("education", "教育"),
        ("health", "卫生健康"),
        ("urban", "城市管理"),
        ("social", "社会救助"),
        ("unit", "部门整体"),
    ]


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("education", "education"),
        ("health", "health"),
        ("urban", "urban"),
        ("civil", "social"),
        ("social", "social"),
        ("party", "unit"),
        ("admin", "unit"),
        ("", "unit"),
        (None, "unit"),
        ("卫生健康", "health"),
        ("社会救助", "social"),
        ("unit", "unit"),
    ],
)
def test_kind_for_sector_or_project_type(given, kind):
    assert kind_for(given) == kind


def test_every_demo_unit_sector_has_a_set():
    sectors = {unit[2] for unit in UNITS}
    assert {"education", "health", "urban", "civil"} <= sectors
    assert all(kind_for(sector) in QUESTION_SETS for sector in sectors)


def test_a_set_answered_with_thought_is_valid_and_a_hurried_one_is_not(rules):
    questions = [{"id": i, **q} for i, q in enumerate(question_set("social")["questions"])]
    scale_ids = [q["id"] for q in questions if q["kind"] == "scale"]
    answers = {q["id"]: [q["options"][0]] for q in questions if q["kind"] in ("group", "single")}
    answers |= dict(zip(scale_ids, (["很满意"], ["满意"], ["满意"], ["很满意"]), strict=True))
    assert validity(response_facts(questions, answers, 75), rules).valid
    answers |= {i: ["很满意"] for i in scale_ids}
    assert validity(response_facts(questions, answers, 75), rules).reason == "straight"
