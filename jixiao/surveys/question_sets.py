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
from collections.abc import Mapping

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


def _set(label: str, name: str, about: str, group, single, scales, multiple, number, text) -> dict:
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


#: The sets by kind: label (for the builder's choice), title, intro, questions.
QUESTION_SETS: dict[str, dict] = {
    "education": _set(
        gettext_noop("教育"),
        "教育项目",
        "本教育项目",
        group=("您的身份是：", ["学生家长", "学生", "教师", "学校管理人员", "社区居民", "其他"]),
        single=("您对本项目（政策）的了解程度：", ["非常了解", "比较了解", "听说过", "不了解"]),
        scales=[
            "您对学校办学条件（校舍、教学设施设备、运动场地等）改善情况是否满意？",
            "您对学校教育教学质量和课后服务是否满意？",
            "您对学生资助、营养餐等惠民政策的落实情况是否满意？",
            "总体而言，您对本项目的实施效果是否满意？",
        ],
        multiple=(
            "您认为还需要改进的方面有（可多选）：",
            [
                "校舍和设施设备",
                "师资力量",
                "课后服务",
                "食堂和饮食安全",
                "校园及周边安全",
                "家校沟通",
                "资助政策宣传",
                "其他",
            ],
        ),
        number="您（或您的孩子）在本区学校就读或任教的年数（年）：",
        text="您对进一步做好本项目还有哪些意见和建议？",
    ),
    "health": _set(
        gettext_noop("卫生健康"),
        "卫生健康项目",
        "本卫生健康项目",
        group=(
            "您的身份是：",
            ["患者", "患者家属", "辖区居民", "孕产妇或儿童监护人", "医务人员", "其他"],
        ),
        single=(
            "您最常就诊的医疗卫生机构是：",
            ["社区卫生服务中心（站）", "区级医院", "市级及以上医院", "民营医院或诊所", "其他"],
        ),
        scales=[
            "您对就医环境和设施设备是否满意？",
            "您对医务人员的服务态度和诊疗水平是否满意？",
            "您对家庭医生签约、健康档案、慢病管理等基本公共卫生服务是否满意？",
            "总体而言，您对本项目提供的卫生健康服务是否满意？",
        ],
        multiple=(
            "近一年您接受过哪些基本公共卫生服务（可多选）：",
            [
                "建立健康档案",
                "家庭医生签约",
                "预防接种",
                "老年人健康体检",
                "慢性病随访管理",
                "孕产妇和儿童健康管理",
                "健康教育讲座",
                "都没有",
            ],
        ),
        number="近一年您在社区卫生服务中心（站）就诊的次数（次）：",
        text="您对改进医疗卫生服务还有哪些意见和建议？",
    ),
    "urban": _set(
        gettext_noop("城市管理"),
        "城市管理项目",
        "本城市管理项目",
        group=(
            "您的身份是：",
            ["辖区居民", "沿街商户", "外来务工人员", "过往行人", "环卫或城管一线人员", "其他"],
        ),
        single=("您在本辖区居住或经营的时间：", ["1年以下", "1—3年", "3—5年", "5年以上"]),
        scales=[
            "您对道路清扫保洁、垃圾清运等市容环境卫生状况是否满意？",
            "您对背街小巷、老旧小区环境整治的效果是否满意？",
            "您对占道经营、车辆乱停乱放等问题的治理是否满意？",
            "总体而言，您对本项目的城市管理成效是否满意？",
        ],
        multiple=(
            "您认为目前最突出的问题有（可多选）：",
            [
                "垃圾清运不及时",
                "占道经营",
                "车辆乱停乱放",
                "道路破损",
                "绿化养护不到位",
                "噪音扰民",
                "公厕数量不足或卫生差",
                "其他",
            ],
        ),
        number="近一年您通过12345热线等渠道反映城市管理问题的次数（次）：",
        text="您对改进城市管理工作还有哪些意见和建议？",
    ),
    "social": _set(
        gettext_noop("社会救助"),
        "社会救助项目",
        "本社会救助项目",
        group=(
            "您的身份是：",
            [
                "低保对象",
                "特困供养人员",
                "临时救助对象",
                "残疾人或其家属",
                "社区（村）干部",
                "其他居民",
            ],
        ),
        single=(
            "您主要通过什么途径了解救助政策？",
            ["社区（村）宣传", "工作人员上门", "政府网站或公众号", "亲友告知", "其他"],
        ),
        scales=[
            "您对救助申请、审核办理的便捷程度是否满意？",
            "您对救助资金（物资）发放的及时性和足额程度是否满意？",
            "您对救助对象认定和公示的公开、公平、公正是否满意？",
            "总体而言，您对本项目的救助保障效果是否满意？",
        ],
        multiple=(
            "您家目前享受的救助或补贴有（可多选）：",
            [
                "最低生活保障",
                "特困人员救助供养",
                "临时救助",
                "医疗救助",
                "教育救助",
                "住房救助",
                "残疾人两项补贴",
                "高龄津贴",
                "都没有",
            ],
        ),
        number="您家共同生活的家庭成员人数（人）：",
        text="您对改进社会救助工作还有哪些意见和建议？",
    ),
    "unit": _set(
        gettext_noop("部门整体"),
        "部门整体服务",
        "本单位履职和公共服务",
        group=(
            "您的身份是：",
            ["办事群众", "企业代表", "服务对象", "其他单位工作人员", "人大代表或政协委员", "其他"],
        ),
        single=(
            "您与本单位打交道的主要方式：",
            ["窗口现场办理", "网上或掌上办理", "电话咨询", "工作人员上门服务", "其他"],
        ),
        scales=[
            "您对本单位办事流程和办理时限是否满意？",
            "您对工作人员的服务态度和业务能力是否满意？",
            "您对本单位政务公开和政策宣传解读是否满意？",
            "总体而言，您对本单位的履职和服务是否满意？",
        ],
        multiple=(
            "您希望本单位改进的方面有（可多选）：",
            [
                "简化办事流程",
                "缩短办理时间",
                "提高服务态度",
                "加强政策宣传",
                "推进网上办理",
                "改善办事环境",
                "其他",
            ],
        ),
        number="近一年您到本单位办事或咨询的次数（次）：",
        text="您对本单位改进工作还有哪些意见和建议？",
    ),
}

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
