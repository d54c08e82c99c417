"""Question sets by project type (问卷模板): the starting questionnaire a survey copies and edits.

A pure module (DESIGN.md, Pure rules): plain data and the standard library only.

Each set has a label, a title, an intro and 9 questions in the order of published 满意度调查问卷
of such projects: who answers (a respondent-group question), how they know the project (single
choice), four questions on the five-level satisfaction scale that count for the rate (`counts`),
the last one the overall judgement, a multiple choice on what to improve, a number and a free
text for suggestions. The scale questions carry no options: a survey offers the rulebook's scale
("survey" section, `scale`) unless a question has options of its own; `question_set(kind,
rules=...)` fills them in from a rulebook section when asked.

A question is a dict with `kind` (`models.QuestionKind`: group, single, multiple, scale, number,
text), `text`, `options`, `required` and `counts`. `question_set()` returns a fresh copy: edit it
freely.

Which set a subject starts from: `kind_for()` maps a unit's sector (`orgs` sector codes as in
`jixiao/demo/district.py`) or a project type's Chinese name to a set; anything else starts from
the whole-unit set ("unit").
"""

import copy
import json
from collections.abc import Mapping
from pathlib import Path

from jixiao.core.rule_messages import gettext_noop

__all__ = ["QUESTION_SETS", "SECTOR_SETS", "choices", "kind_for", "question_set"]


def _q(kind: str, text: str, options=(), *, required: bool = True, counts: bool = False) -> dict:
    return {"kind": kind, "text": text, "options": list(options), "required": required,
            "counts": counts}  # fmt: skip


_INTRO = (
    "您好！为了解{about}的实施效果，进一步改进工作、提高服务质量，我们开展本次满意度调查。"
    "问卷不记名，您的回答仅用于绩效评价的统计分析，不会对您产生任何影响。"
    "填写约需3分钟，请根据您的真实感受作答。感谢您的支持与配合！"
)


def _set(
    label: str, *, name: str, about: str, group, single, scales, multiple, number, text
) -> dict:
    """A set in the common order: group and single choice (text, options), the counting scale
    questions (the overall one last), the multiple choice (text, options), a number, a text;
    the questions after the scales are optional."""
    return {
        "label": label,
        "title": f"{name}满意度调查问卷",
        "intro": _INTRO.format(about=about),
        "questions": [
            _q("group", *group),
            _q("single", *single),
            *(_q("scale", scale, counts=True) for scale in scales),
            _q("multiple", *multiple, required=False),
            _q("number", number, required=False),
            _q("text", text, required=False),
        ],
    }


#: The sets' wording (title, intro, the questions' texts and options) is content, kept in
#: `data/question_sets.json` beside this module; here only each kind's label and the order.
LABELS = {
    "education": gettext_noop("教育"),
    "health": gettext_noop("卫生健康"),
    "urban": gettext_noop("城市管理"),
    "social": gettext_noop("社会救助"),
    "unit": gettext_noop("部门整体"),
}
_WORDING = json.loads((Path(__file__).parent / "data" / "question_sets.json").read_text("utf-8"))
QUESTION_SETS: dict[str, dict] = {kind: _set(LABELS[kind], **_WORDING[kind]) for kind in LABELS}

#: Unit sectors (orgs) → set; Chinese project-type names are accepted too (see `kind_for`).
SECTOR_SETS = {
    "education": "education",
    "health": "health",
    "urban": "urban",
    "civil": "social",  # 民政、退役军人事务
    "social": "social",  # 人力资源和社会保障
}
_NAMES = {str(spec["label"]): kind for kind, spec in QUESTION_SETS.items()}
DEFAULT = "unit"


def choices() -> list[tuple[str, str]]:
    """(kind, label) of every set, in the builder's order; translate the label for display."""
    return [(kind, str(spec["label"])) for kind, spec in QUESTION_SETS.items()]


def kind_for(sector_or_type: str | None) -> str:
    """The set for a unit's sector ("education", "civil", ...), a set's own kind or a project
    type's Chinese name ("教育", "卫生健康", ...); the whole-unit set for anything else."""
    value = (sector_or_type or "").strip()
    if value in QUESTION_SETS:
        return value
    return SECTOR_SETS.get(value) or _NAMES.get(value) or DEFAULT


def question_set(kind: str, *, subject: str = "", rules: Mapping | None = None) -> dict:
    """A fresh copy of the set `kind` (KeyError for an unknown kind).

    With `subject`, the title names it ("<subject>满意度调查问卷"); with `rules` (the rulebook's
    "survey" section), each scale question offers the scale's labels."""
    found = copy.deepcopy(QUESTION_SETS[kind])
    if subject:
        found["title"] = f"{subject}满意度调查问卷"
    if rules is not None:
        labels = [str(level["label"]) for level in rules["scale"]]
        for question in found["questions"]:
            if question["kind"] == "scale" and not question["options"]:
                question["options"] = list(labels)
    return found
