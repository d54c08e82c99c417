"""Messages of the pure rule modules: a code and parameters, with Chinese as the default text.

A pure module (DESIGN.md, Pure rules): the standard library only, so the rule modules (lint,
scoring, alerts, value parsing) can use it and still import nothing from Django.

The message table is `MESSAGES` below: every code of the rule modules with its Chinese
`%(name)s` template, in one place so that any process can render any stored message, whichever
modules it imported. `gettext_noop` here is a no-op of the same name as Django's, so
`makemessages` (xgettext's `gettext_noop` keyword) extracts the templates into the English
catalogue although nothing here imports Django. Codes are stable: a new wording keeps its code,
a removed code leaves old rows showing their stored text.

A `Message` *is* its Chinese text (a `str` subclass), so the rule modules, the CLI and its JSON,
the exports and every comparison keep working with the Chinese wording exactly as before; it also
carries `code` and `params`. A parameter is user data (a name, a value as written: never
translated), a number, another `Message`, or a `Join` of such items. `message_data()` turns a
message into plain JSON (`{"code": ..., "params": {...}}`) to store beside the Chinese text, and
`render(data, translate)` builds the text again through any `translate` function: the identity
gives the Chinese text, `jixiao.core.messages` passes Django's gettext for the user's language.
Plain strings (old rows, formulas that hold no words) render as themselves.
"""

from collections.abc import Callable, Iterable, Mapping

__all__ = ["MESSAGES", "Join", "Message", "gettext_noop", "message_data", "render", "texts_only"]


def gettext_noop(text: str) -> str:
    """Mark `text` for the catalogue (makemessages); it is returned unchanged."""
    return text


#: Separators of a `Join`, translated like the templates.
SEPARATORS = {
    "list": gettext_noop("、"),
    "clauses": gettext_noop("；"),
}


# --------------------------------------------------------------------------- the table

#: lint findings and their explanations (targets.lint, T01–T18)
_LINT = {
    "lint.explanation": gettext_noop("%(code)s：%(text)s"),
    "lint.note": gettext_noop("%(label)s：%(problems)s"),
    "lint.label": gettext_noop("第%(n)s条指标“%(name)s”"),
    "lint.label_unnamed": gettext_noop("第%(n)s条指标（未填名称）"),
    "lint.no_category": gettext_noop("未填分类"),
    "lint.quoted": gettext_noop("“%(text)s”"),
    "lint.with_suggestion": gettext_noop("%(message)s%(suggestion)s"),
    "lint.suggestion": gettext_noop("可参考指标库中的%(where)s“%(name)s”%(hint)s。"),
    "lint.suggestion.hint": gettext_noop("（参考值%(value)s）"),
    "lint.unplaced_hint": gettext_noop("（另有第%(rows)s条指标无法归入指标体系，未计入）"),
    "lint.T01": gettext_noop("年度总体目标未分解为绩效指标：请至少填写产出、效益和满意度指标。"),
    "lint.T01.why": gettext_noop("目标未细化分解为绩效指标，申报表中没有指标行。"),
    "lint.T02": gettext_noop(
        "%(label)s%(shown)s：请填写目标值，如“≥50个”“≥95%%”或“12月底前完成”。"),
    "lint.T02.placeholder": gettext_noop("只填了占位符“%(written)s”"),
    "lint.T02.empty": gettext_noop("没有填写指标值"),
    "lint.T02.why": gettext_noop("指标值为空或只有占位符（/、-、—）。"),
    "lint.T03": gettext_noop(
        "%(label)s的指标值无法读取：%(problems)s。请写成“计算符号+数值+单位”，如“≥95%%”“≤90万元”。"),
    "lint.T04": gettext_noop("%(label)s的指标值“%(value)s”没有度量单位：请补上单位（如个、%%、万元）。"),
    "lint.T04.why": gettext_noop("定量指标应写明度量单位。"),
    "lint.T05.same_name": gettext_noop(
        "%(label)s与第%(other)s条指标同名，却分别填在“%(there)s”和“%(here)s”下："
        "数量、质量、时效、成本指标应各自衡量不同内容，请改写其中一条。"),
    "lint.T05.same_value": gettext_noop(
        "第%(n)s条指标未填名称，指标值“%(value)s”与第%(other)s条指标（“%(there)s”下）完全相同："
        "请填写指标名称，并按“%(here)s”的含义设置目标值。"),
    "lint.T05.why": gettext_noop("同一指标不应在不同二级指标下重复填写。"),
    "lint.T06": gettext_noop("缺少%(required)s：请至少填写一条%(required)s。%(hint)s"),
    "lint.T06.near": gettext_noop(
        "第%(rows)s条指标填在“%(where)s”下，未能归入“%(required)s”。"),
    "lint.T06.near_category": gettext_noop(
        "第%(rows)s条指标填在“%(where)s”下，未能归入“%(required)s”："
        "本指标体系中“%(required)s”是一级指标，下设%(subs)s。"),
    "lint.T06.why": gettext_noop(
        "产出指标应包括数量、质量、时效和成本指标（成本指标按所选指标体系归类）。"),
    "lint.missing_category": gettext_noop("缺少%(category)s：%(advice)s%(hint)s"),
    "lint.T07.advice": gettext_noop("请至少填写一条效益指标（%(subs)s）。"),
    "lint.T07.why": gettext_noop("绩效目标应有效益指标。"),
    "lint.T08.advice": gettext_noop(
        "请填写%(subs)s；如项目不面向社会公众或服务对象，请注明（serves_public 为 false）。"),
    "lint.T08.why": gettext_noop("面向社会公众或服务对象的项目应有满意度指标。"),
    "lint.T09": gettext_noop("未填写年度总体目标：请写明本年度要完成什么、达到什么效果。"),
    "lint.T09.why": gettext_noop("年度总体目标为空或只有占位符。"),
    "lint.T10.boilerplate": gettext_noop(
        "%(label)s的指标值只写了“%(text)s”，是套话："
        "请写明具体、可核验的目标（数量、标准或完成时间）。"),
    "lint.T10.boilerplate.why": gettext_noop(
        "整个指标值只是套话，无法核验（规则库 T10 boilerplate）。"),
    "lint.T10.vague": gettext_noop(
        "%(label)s的指标值“%(text)s”含“%(word)s”，没有可核验的标准："
        "请写明提升到什么程度（具体数值或可检查的结果）。"),
    "lint.T10.vague.why": gettext_noop(
        "“%(word)s”没有说明提升到什么程度（规则库 T10 vague_words）。"),
    "lint.T10.measure_name": gettext_noop(
        "%(label)s的指标值“%(text)s”只写了衡量什么，没有写要达到多少：请写成“≥95%%”这样的数值。"),
    "lint.T10.measure_name.why": gettext_noop("指标值只是一个指标名称，没有数值，无法核验。"),
    "lint.T10.restates_name": gettext_noop(
        "%(label)s的指标值只是重复了指标名称：请写明要达到的数量、标准或完成时间。"),
    "lint.T10.restates_name.why": gettext_noop("指标值与指标名称相同，没有可核验的目标。"),
    "lint.T10.grading": gettext_noop(
        "%(label)s的指标值“%(text)s”只评价了好坏（“%(word)s”），没有写明要达到什么："
        "请写成可核验的结果，如具体数值、标准或“完成…并通过验收”。"),
    "lint.T10.grading.why": gettext_noop(
        "不超过%(n)s个字、以“%(word)s”结尾的指标值只是评价，无法核验（规则库 T10 grading_endings）。"),
    "lint.T10.few_words": gettext_noop(
        "%(label)s的指标值“%(text)s”只用几个字描述%(category)s，没有数值、标准或对比基数，"
        "年底无法核验：请写成可核验的结果，如“受益群众≥3000人”“带动农户增收≥500元/户”"
        "“森林覆盖率≥65%%”，或与上年对比（如“不低于上年”）。"),
    "lint.T10.few_words.why": gettext_noop(
        "%(category)s的指标值只有不超过%(n)s个字、没有任何数字、没有对比基数、所依的安排或"
        "“无”“零”之类的答案时，说不出要达到什么（规则库 T10 few_words_categories、checkable_words）。"),
    "lint.T10.intention": gettext_noop(
        "%(label)s的指标值是一句意图（“%(word)s”）而没有可核验的结果：“%(text)s”。"
        "请改写为可检查的结果（数值、比率或完成标准），意图写入年度目标。"),
    "lint.T10.intention.why": gettext_noop(
        "%(n)s个字以上、含“%(word)s”且没有任何数字的指标值是工作意图，不是指标值"
        "（规则库 T10 intention_words）。"),
    "lint.T10.intention_start.why": gettext_noop(
        "以“%(word)s”开头、没有任何数字的指标值是工作意图，不是可核验的结果"
        "（规则库 T10 intention_starts）。"),
    "lint.T10.full_percent": gettext_noop(
        "%(label)s的指标值为“%(value)s”，但指标名称不是比率：请写明数量和单位，"
        "或把名称改为所衡量的比率（如“完成率”“覆盖率”）。"),
    "lint.T10.full_percent.why": gettext_noop(
        "百分数只对比率有意义，指标名称中没有“率”“比例”等字样（规则库 T10 rate_words）。"),
    "lint.T10.cost_no_amount": gettext_noop(
        "%(label)s是成本指标，指标值“%(text)s”只有文字，没有金额：请写明可核验的上限，"
        "如总成本“≤…万元”或单位成本“≤…元/人”。"),
    "lint.T10.cost_no_amount.why": gettext_noop(
        "成本指标要用金额核验；没有任何数字的成本指标值无法核验。"),
    "lint.T10.slogan_name": gettext_noop(
        "%(label)s的名称是一句愿望（以提高、改善等结尾），指标值“%(value)s”说不出提高了多少："
        "请改为可衡量的指标，如“合格率≥95%%”“参训人数≥200人”，或写明提高的幅度。"),
    "lint.T10.slogan_name.why": gettext_noop(
        "名称以“提高”“改善”等变化词结尾、又不是比率时，满值的百分数没有可核验的含义"
        "（规则库 T10 change_words、share_words）。"),
    "lint.T10.question_share": gettext_noop(
        "%(label)s是一个是否问题，指标值却是“%(value)s”：是否问题只能回答“是”“否”或“=100%%”；"
        "如要衡量比例，请把名称改为所衡量的比率（如“问题解决率≥95%%”）。"),
    "lint.T10.question_share.why": gettext_noop(
        "是否问题没有部分达到，不足或超过100%%的百分数无法核验（规则库 T10 question_words）。"),
    "lint.T11": gettext_noop(
        "%(label)s是预算执行和管理过程的指标（“%(word)s”），不宜作为%(category)s："
        "请改为项目本身的产出或效果；预算执行在自评时另行计分。"),
    "lint.T11.why": gettext_noop("管理过程指标不能代替项目的产出和效益。"),
    "lint.T12": gettext_noop(
        "%(label)s%(what)s，指标值却是“%(value)s”%(implied)s："
        "计算符号与指标含义矛盾，请改为%(fix)s。"),
    "lint.T12.rate": gettext_noop("是越高越好的比率（“%(rate)s”）"),
    "lint.T12.cost": gettext_noop("是成本指标，应设上限"),
    "lint.T12.negative": gettext_noop("是越低越好的指标（“%(rate)s”），应设上限"),
    "lint.T12.ceiling": gettext_noop("是控制上限的指标"),
    "lint.T12.quantity": gettext_noop("是要完成的数量，应设下限"),
    "lint.T12.implied": gettext_noop("（未写计算符号，按“≥”读取）"),
    "lint.T12.why": gettext_noop("计算符号应与指标方向一致。"),
    "lint.T13.below": gettext_noop(
        "%(label)s的目标值“%(value)s”低于上年实际完成值%(actual)s："
        "目标不应比已达到的水平更宽松，请提高目标或在指标解释中说明原因。"),
    "lint.T13.above": gettext_noop(
        "%(label)s的目标值“%(value)s”宽于上年实际完成值%(actual)s："
        "目标不应比已达到的水平更宽松，请收紧上限或在指标解释中说明原因。"),
    "lint.T13.why": gettext_noop("上年实际 %(actual)s，本年目标 %(value)s。"),
    "lint.T14": gettext_noop(
        "%(group)s分值合计%(total)s分%(note)s，应为%(expected)s分%(why)s：请调整各指标分值。"),
    "lint.T14.unweighted": gettext_noop("（其中%(n)s条指标未填分值）"),
    "lint.T14.moved": gettext_noop("（没有满意度指标，其分值计入%(group)s）"),
    "lint.T14.why": gettext_noop(
        "%(group)s各指标分值之和 %(total)s ≠ %(expected)s；"
        "预算执行率另占%(execution)s分，不是指标（《项目支出绩效评价管理办法》自评表）。"),
    "lint.T15.another": gettext_noop("另一项目"),
    "lint.T15.and_more": gettext_noop("%(names)s等"),
    "lint.T15.sibling": gettext_noop(
        "绩效指标与%(names)s的完全相同（指标名称和指标值均一致）：请按本项目的内容设置指标。"),
    "lint.T15.sibling.why": gettext_noop("指标照抄其他项目。"),
    "lint.T15.last_year": gettext_noop(
        "绩效指标与上年度申报的完全相同，指标值没有任何变化："
        "请根据本年度任务和上年完成情况调整目标值。"),
    "lint.T15.last_year.why": gettext_noop("指标照抄上年。"),
    "lint.T16": gettext_noop(
        "资金来源合计%(total)s万元（当年财政拨款%(current)s + 上年结转资金%(carryover)s + "
        "其他资金%(other)s），与资金总额%(amount)s万元不一致：请核对各项金额。"),
    "lint.T17": gettext_noop(
        "%(label)s%(why)s：二级项目的指标应支撑一级项目的指标，"
        "请调整指标或注明所支撑的上级指标。"),
    "lint.T17.parent": gettext_noop("上级项目“%(name)s”"),
    "lint.T17.level_one": gettext_noop("一级项目"),
    "lint.T17.not_parents": gettext_noop("所关联的“%(linked)s”不是%(title)s的指标"),
    "lint.T17.unmatched": gettext_noop("与%(title)s的任何指标都对应不上"),
    "lint.T17.why": gettext_noop("二级项目指标应与一级项目指标关联。"),
    "lint.T18": gettext_noop(
        "%(label)s“%(cost)s”× 第%(j)s条指标“%(name)s”“%(quantity)s”= %(product)s%(unit)s，"
        "与项目资金%(amount)s%(unit)s相差%(pct)s%%，超过%(limit)s%%：请核对单位成本、数量或项目资金。"),
    "lint.T18.lines": gettext_noop(
        "%(label)s起的%(n)s条单位成本：%(terms)s，合计%(product)s%(unit)s，"
        "与项目资金%(amount)s%(unit)s相差%(pct)s%%，超过%(limit)s%%：请核对单位成本、数量或项目资金。"),
    "lint.T18.term": gettext_noop(
        "第%(i)s条“%(cost)s”× 第%(j)s条“%(name)s”“%(quantity)s”%(periods)s"),
    "lint.T18.period_row": gettext_noop("× 第%(k)s条“%(value)s”"),
    "lint.T18.periods": gettext_noop("× %(n)s期（一年）"),
    "lint.T19": gettext_noop(
        "%(label)s列在“%(where)s”下，但名称和指标值都看不出是%(here)s衡量的内容，%(what)s："
        "请把它移到%(there)s下，或改写为衡量%(here)s的指标（如%(examples)s）。"),
    "lint.T19.word": gettext_noop("“%(word)s”是%(there)s的内容"),
    "lint.T19.rate": gettext_noop("“%(value)s”是达标、执行或完成情况的比率，属于%(there)s"),
    "lint.T19.why": gettext_noop(
        "指标应放在它所衡量的二级指标下：名称和指标值中没有%(here)s的关键词，"
        "名称或指标值中却有%(there)s的关键词“%(word)s”。"),
    "lint.T19.rate.why": gettext_noop(
        "指标应放在它所衡量的二级指标下：这个比率的名称中没有%(here)s的关键词，"
        "达标、执行或完成情况的比率属于%(there)s。"),
    "lint.T20": gettext_noop(
        "%(label)s把资金投入（“%(word)s”，“%(value)s”）当作%(here)s：花了多少钱是投入，不是产出。"
        "请改为这笔资金完成的工作量或提供的服务（如建成的工程数量、服务的人数），"
        "资金数额填在项目资金中；若要控制花费，请改写为成本指标（如单位成本“≤…元/个”）。"),
    "lint.T20.purchase": gettext_noop(
        "%(label)s把采购（“%(word)s”，“%(value)s”）当作%(here)s：买来的设备和物资是投入，不是产出。"
        "请改为用它们完成的工作或提供的服务（如检测的样本数、服务的人次）。"),
    "lint.T20.consumable": gettext_noop(
        "%(label)s把消耗的材料（“%(word)s”，“%(value)s”）当作%(here)s：用掉的试剂、耗材和材料是投入，"
        "不是产出。请改为用它们完成的工作（如检测的样本数、完成的工程量）。"),
    "lint.T20.supplies": gettext_noop(
        "%(label)s把项目自己买来的物资（“%(word)s”，“%(value)s”）当作%(here)s：项目并不以提供这些物资为目的，"
        "采购或支付的物资是投入，不是产出。请改为用这些物资完成的工作或提供的服务"
        "（如服务的人次、完成的检查次数），物资的花费写在成本指标中（如“≤…元/批”）。"),
    "lint.T20.put_in": gettext_noop(
        "%(label)s把投入的人力和物力（“%(word)s”，“%(value)s”）当作%(here)s：投入多少人员、车辆和设备是投入，"
        "不是产出。请改为用它们完成的工作或提供的服务（如完成的检查次数、服务的人次）。"),
    "lint.T20.spending_floor": gettext_noop(
        "%(label)s给资金投入（“%(word)s”）设了下限“%(value)s”，把花钱多当作成绩：投入的资金不是产出，"
        "成本指标应设上限。请改为总成本或单位成本的上限（如“≤…万元”“≤…元/个”），资金数额填在项目资金中。"),
    "lint.T20.money_value": gettext_noop(
        "%(label)s的目标值“%(value)s”是一笔钱，却当作%(here)s：花了多少钱是投入，不是产出。"
        "请改为这笔资金完成的工作量或提供的服务（如完成维修的校舍数量、服务的人数），"
        "资金数额填在项目资金中；若要控制花费，请改写为成本指标（如单位成本“≤…元/个”）。"),
    "lint.T20.why": gettext_noop("产出指标应反映提供的产品和服务，资金投入（“%(word)s”）不是产出。"),
    "lint.T21": gettext_noop(
        "%(label)s的目标值“%(value)s”超过%(limit)s%%，而“%(rate)s”最高只能达到%(limit)s%%："
        "请改为不超过%(limit)s%%的目标（如“≥95%%”或“=100%%”）；若要表达增长，请改用增长率或实际数量。"),
    "lint.T21.floor": gettext_noop(
        "%(label)s的目标值“%(value)s”要求不低于%(limit)s%%，而“%(rate)s”最高只能达到%(limit)s%%："
        "请写成“=100%%”，或设不到%(limit)s%%的下限（如“≥95%%”）。"),
    "lint.T21.why": gettext_noop("“%(rate)s”是部分占全体的比例，不会超过%(limit)s%%。"),
    "lint.T22": gettext_noop(
        "年度总体目标与中期目标%(how)s：年度目标应写明本年度要完成的任务和数量，"
        "请按本年度的工作量改写年度目标。"),
    "lint.T22.same": gettext_noop("完全相同"),
    "lint.T22.near": gettext_noop("几乎相同（相同字符占%(pct)s%%，数字一致）"),
    "lint.T22.same.why": gettext_noop("去掉空格和标点后，年度目标与中期目标一字不差。"),
    "lint.T22.near.why": gettext_noop(
        "年度目标与中期目标相同字符占%(pct)s%%，不低于%(limit)s%%，所写数字（年份除外）也相同。"),
}  # fmt: skip

#: self-evaluation scores: explanations, errors, warnings (evaluations.scoring)
_SCORE = {
    "score.label": gettext_noop("第%(n)s条指标“%(name)s”"),
    "score.label_unnamed": gettext_noop("第%(n)s条指标（未填名称）"),
    "score.problems": gettext_noop("%(label)s：%(problems)s"),
    "score.band.range": gettext_noop("%(low)s ≤ 得分 %(op)s %(high)s"),
    "score.band.from_actual": gettext_noop("（按实际值）"),
    "score.incomplete": gettext_noop("有%(n)s项未能计分，总分%(total)s不完整，未评定等级"),
    "score.self_total_differs": gettext_noop("单位自评总分%(own)s分，按规则应为%(total)s分"),
    "score.self_grade_differs": gettext_noop("单位自评等级为“%(own)s”，按规则应为“%(grade)s”"),
    "score.full_year": gettext_noop("全年预算数"),
    "score.received": gettext_noop("资金到位数"),
    "score.executed": gettext_noop("全年执行数"),
    "score.exec.from_sources": gettext_noop("（按各资金来源合计）"),
    "score.exec.no_denominator": gettext_noop("%(name)s未填写，无法计算预算执行率"),
    "score.exec.zero_denominator": gettext_noop("%(name)s为%(amount)s万元，无法计算预算执行率"),
    "score.exec.no_executed": gettext_noop("未填写全年执行数，无法计算预算执行率"),
    "score.exec.head": gettext_noop("%(name)s%(d)s万元%(how)s, 执行数%(e)s万元%(how_e)s"),
    "score.negative_as_zero": gettext_noop("%(n)s（负数按0计）"),
    "score.exec.full": gettext_noop("%(head)s: 执行率 %(rate)s ≥ 1, 得满分 %(points)s"),
    "score.exec.part": gettext_noop(
        "%(head)s: 执行率 %(e)s/%(d)s = %(rate)s, %(w)s × %(e)s/%(d)s = %(points)s"),
    "score.no_budget": gettext_noop("%(why)s，预算执行得分为空"),
    "score.exec.self_score_differs": gettext_noop(
        "预算执行率：单位自评%(own)s分，按规则应为%(points)s分"),
    "score.money_mismatch": gettext_noop(
        "各资金来源的%(label)s合计%(sum)s万元，与合计行%(total)s万元不一致"),
    "score.zero_weight": gettext_noop("%(label)s分值为0，不计分"),
    "score.weight_invalid": gettext_noop("%(label)s的分值%(w)s不能为负数"),
    "score.no_weight": gettext_noop("%(label)s未填分值，不计分，总分不完整"),
    "score.explanation": gettext_noop("%(head)s: %(formula)s"),
    "score.explanation.no_weight": gettext_noop("%(head)s: 未填分值，不计分"),
    "score.explanation.errors": gettext_noop("%(head)s: 无法计分（%(errors)s）"),
    "score.head": gettext_noop("%(target)s, 实际%(actual)s"),
    "score.not_filled": gettext_noop("未填"),
    "score.self_score_differs": gettext_noop("%(label)s：单位自评%(own)s分，按规则应为%(points)s分"),
    "score.deviation_missing": gettext_noop("%(label)s未达到满分，应填写偏差原因分析及改进措施"),
    "score.deduction_invalid": gettext_noop("%(label)s的复核扣分不能为负数，未采用"),
    "score.missing_value": gettext_noop("%(label)s没有目标值，无法计分"),
    "score.unreadable_value": gettext_noop("%(label)s的目标值无法读取：%(problems)s"),
    "score.missing_actual": gettext_noop("%(label)s没有填写实际完成值，无法计分"),
    "score.actual_not_number": gettext_noop("%(label)s的实际值不是数值，无法计分"),
    "score.over_achievement": gettext_noop(
        "%(label)s实际%(a)s达到目标%(t)s的%(k)s倍以上，须说明超额完成的原因（目标是否定得过低）"),
    "score.entered_score_ignored": gettext_noop(
        "%(label)s是定量指标，按公式计分，录入的得分未采用"),
    "score.f.zero_weight": gettext_noop("分值为0，不计分：%(score)s"),
    "score.f.at_least_full": gettext_noop("%(a)s ≥ %(t)s, 得满分 %(score)s"),
    "score.f.at_least": gettext_noop("%(w)s × %(a)s/%(t)s = %(score)s"),
    "score.f.zero_full": gettext_noop("%(a)s = 0, 得满分 %(score)s"),
    "score.f.zero_over": gettext_noop("%(a)s > 0, 目标为0, 得 %(score)s"),
    "score.f.at_most_full": gettext_noop("%(a)s ≤ %(t)s, 得满分 %(score)s"),
    "score.f.at_most_ratio": gettext_noop("%(w)s × %(t)s/%(a)s = %(score)s"),
    "score.f.at_most_double": gettext_noop("%(a)s ≥ 2 × %(t)s, 得 %(score)s"),
    "score.f.at_most_linear": gettext_noop("%(w)s × (1 − (%(a)s − %(t)s)/%(t)s) = %(score)s"),
    "score.f.on_time": gettext_noop("按时完成, 得满分 %(score)s"),
    "score.f.late_floor": gettext_noop("%(head)s, 扣完为止, 得 %(score)s"),
    "score.f.late": gettext_noop("%(head)s, %(w)s × (1 − %(steps)s × %(pct)s) = %(score)s"),
    "score.f.by_person": gettext_noop("未写完成日期, 按录入得分 %(score)s"),
    "score.f.band_top": gettext_noop("档次“%(band)s”%(source)s, 未录入得分, 得该档上限 %(score)s"),
    "score.f.band_entered": gettext_noop("档次“%(band)s”%(source)s（%(allowed)s）, 录入得分 %(score)s"),
    "score.late.month": gettext_noop("逾期%(late)s个月（%(per)s扣分值的%(pct)s）"),
    "score.late.day": gettext_noop("逾期%(late)s天（%(per)s扣分值的%(pct)s）"),
    "score.step.month": gettext_noop("每月或不足一月"),
    "score.step.day": gettext_noop("每天"),
    "score.steps.month": gettext_noop("每%(n)s个月或不足%(n)s个月"),
    "score.steps.day": gettext_noop("每%(n)s天或不足%(n)s天"),
    "score.deadline_date_missing": gettext_noop(
        "%(label)s未按时完成且未写完成日期，无法计算逾期时间：请填写完成日期或录入得分"),
    "score.out_of_range": gettext_noop("%(label)s的得分应在0至%(w)s之间，录入的%(entered)s不在范围内"),
    "score.band_conflict": gettext_noop(
        "%(label)s的实际值为“%(actual)s”，评价档次却选了“%(band)s”，按所选档次计分"),
    "score.no_such_band": gettext_noop("规则库中没有档次“%(band)s”"),
    "score.no_band": gettext_noop("未选择评价档次"),
    "score.band_required": gettext_noop(
        "%(label)s是定性指标，%(why)s：请从%(labels)s中选择，系统不根据实际值的文字推断档次"),
    "score.band_score_required": gettext_noop("%(label)s评为“%(band)s”，须由评价人录入得分（%(allowed)s）"),
    "score.out_of_band": gettext_noop(
        "%(label)s评为“%(band)s”，得分应在%(allowed)s范围内，录入的%(entered)s分被拒绝"),
    "score.weights_invalid": gettext_noop(
        "%(group)s分值合计%(have)s分，应为%(total)s分：分值应按各类指标的总分分配"),
    "score.stray_category": gettext_noop("“%(group)s”不在计分的指标类别中，其分值未计入类别合计"),
}  # fmt: skip

#: whole-unit evaluation scores (evaluations.unit_evaluation; it also uses score.*)
_UNIT = {
    "unit.weights_invalid": gettext_noop("评价框架各项分值合计%(total)s分，应为100分"),
    "unit.unknown_item": gettext_noop("评价框架中没有“%(name)s”，该项判断未采用"),
    "unit.errors": gettext_noop("无法计分（%(errors)s）"),
    "unit.unreadable_input": gettext_noop("“%(label)s”的输入“%(name)s”为“%(shown)s”，不是数字"),
    "unit.missing_input": gettext_noop("“%(label)s”缺少输入“%(name)s”"),
    "unit.zero_denominator": gettext_noop("“%(label)s”的“%(name)s”为0，无法计算"),
    "unit.rule_invalid": gettext_noop("规则行“%(label)s”的满分条件“%(full_if)s”无法读取"),
    "unit.f.met": gettext_noop("%(head)s, 符合满分条件%(condition)s, 得满分 %(score)s"),
    "unit.f.deduct": gettext_noop(
        "%(head)s, 满分条件%(condition)s, 相差%(gap)s个百分点, 每%(step)s个百分点扣%(deduct)s分: "
        "%(w)s − %(steps)s × %(deduct)s%(floor)s = %(score)s"),
    "unit.floor": gettext_noop("（扣完为止）"),
    "unit.no_such_band": gettext_noop("没有档次“%(band)s”"),
    "unit.band_required": gettext_noop("“%(label)s”%(why)s：请从%(labels)s中选择"),
    "unit.f.band_top": gettext_noop("档次“%(band)s”, 未录入得分, 得该档上限 %(score)s"),
    "unit.band_score_required": gettext_noop("“%(label)s”评为“%(band)s”，须录入得分（%(allowed)s）"),
    "unit.out_of_band": gettext_noop(
        "“%(label)s”评为“%(band)s”，得分应在%(allowed)s范围内，录入的%(entered)s分被拒绝"),
    "unit.f.band_entered": gettext_noop("档次“%(band)s”（%(allowed)s）, 录入得分 %(score)s"),
}  # fmt: skip

#: monitoring alerts M01–M07 and their warnings (monitoring.alerts)
_ALERT = {
    "alert.explanation": gettext_noop("%(code)s：%(text)s"),
    "alert.date": gettext_noop("%(y)s年%(m)s月%(d)s日"),
    "alert.label": gettext_noop("第%(n)s条指标“%(name)s”"),
    "alert.time.months": gettext_noop("时间进度（序时进度）%(month)s/12 = %(pct)s"),
    "alert.time.days": gettext_noop("时间进度 %(day)s/%(days)s = %(pct)s"),
    "alert.executed": gettext_noop("执行数 %(amount)s 万元"),
    "alert.executed_paid": gettext_noop("执行数 %(amount)s 万元（支付数据 1–%(month)s 月合计）"),
    "alert.no_budget": gettext_noop("全年预算（调整后）未填写，无法计算执行率，未判断 M01–M03"),
    "alert.zero_budget": gettext_noop(
        "全年预算（调整后）为 %(amount)s 万元，无法计算执行率，未判断 M01–M03"),
    "alert.no_execution": gettext_noop(
        "未填写执行数，也没有支付数据，无法计算执行率，未判断 M01–M03"),
    "alert.rate": gettext_noop("执行率 = %(executed)s / 全年预算（调整后）%(budget)s 万元 = %(rate)s"),
    "alert.M01": gettext_noop(
        "预算执行进度滞后：截至%(when)s执行率 %(rate)s，落后时间进度 %(time)s %(lag)s 个百分点"),
    "alert.M01.why": gettext_noop("%(time)s，%(rate)s，差 %(lag)s 个百分点 ≥ %(bound)s"),
    "alert.M02": gettext_noop("执行率 %(rate)s 低于%(month)s月底应达到的 %(floor)s（截至%(end)s）"),
    "alert.M02.why": gettext_noop(
        "监控截止日 %(end)s 当日或之前最近的进度节点为 %(checkpoint)s，执行率应不低于 %(floor)s；"
        "%(rate)s < %(floor)s"),
    "alert.M03": gettext_noop(
        "资金执行率 %(rate)s 超过指标“%(name)s”的完成进度 %(progress)s %(gap)s 个百分点："
        "资金支出快于产出"),
    "alert.M03.why": gettext_noop(
        "%(rate)s；完成进度 = 已完成 %(shown)s = %(progress)s；差 %(gap)s 个百分点 > %(bound)s"),
    "alert.M03.division": gettext_noop("%(done)s%(unit)s / 目标 %(target)s%(unit)s"),
    "alert.no_denominator": gettext_noop("%(label)s的指标值“%(value)s”无法作分母，未判断 M03"),
    "alert.no_progress": gettext_noop("未填写完成进度"),
    "alert.unreadable_progress": gettext_noop("完成进度“%(value)s”无法读取"),
    "alert.progress_not_judged": gettext_noop("%(label)s：%(reason)s，未判断 M03"),
    "alert.M04.label": gettext_noop("指标“%(name)s”（目标 %(target)s）"),
    "alert.M04": gettext_noop("%(label)s报告%(likelihood)s完成目标"),
    "alert.M04.why": gettext_noop("完成目标可能性为“%(likelihood)s”"),
    "alert.M04.reasons": gettext_noop("%(label)s报告%(likelihood)s完成目标：%(reasons)s"),
    "alert.M04.reasons.why": gettext_noop("完成目标可能性为“%(likelihood)s”，且%(reasons)s"),
    "alert.M04.causes": gettext_noop("偏差原因为%(causes)s"),
    "alert.M04.short": gettext_noop("全年预计完成值“%(expected)s”未达到目标"),
    "alert.M05": gettext_noop("年末突击拨款：12月支付 %(december)s 万元%(share)s"),
    "alert.M05.of_year": gettext_noop("，占全年 %(share)s"),
    "alert.M05.share": gettext_noop(
        "12月支付 %(december)s 万元 / 全年 %(total)s 万元 = %(share)s > %(bound)s"),
    "alert.M05.average": gettext_noop(
        "1–11月月均 %(before)s / %(months)s = %(average)s 万元，"
        "12月 %(december)s 万元为其 %(times)s 倍 > %(multiple)s 倍"),
    "alert.M06": gettext_noop(
        "超进度支付：执行数 %(executed)s 万元超过合同（进度）应付金额 %(contract)s 万元，"
        "超出 %(over)s 万元"),
    "alert.M06.why": gettext_noop(
        "%(executed)s > 合同（进度）应付金额 %(contract)s 万元，超出 %(over)s 万元"),
    "alert.M07.late": gettext_noop("监控表逾期报送：截止 %(due)s，%(day)s 报送，逾期 %(days)s 天"),
    "alert.M07.missing": gettext_noop(
        "监控表未按时报送：截止 %(due)s，至 %(day)s 仍未报送，已逾期 %(days)s 天"),
    "alert.M07.filed": gettext_noop("报送日 %(day)s"),
    "alert.M07.not_filed": gettext_noop("检查日 %(day)s 未报送"),
    "alert.M07.why": gettext_noop("报送截止日 %(due)s，%(filed)s，晚于截止日"),
}  # fmt: skip

#: how indicator values were read: problems and notes (indicators.values)
_VALUE = {
    "value.target_read": gettext_noop("指标值“%(original)s”读作“%(read)s”"),
    "value.incident_zero": gettext_noop(
        "指标“%(name)s”统计不应发生的事项（事故、案件、投诉等），“%(original)s”读作“=0”"),
    "value.actual_read": gettext_noop("实际值“%(original)s”读作“%(read)s”"),
    "value.quoted_target": gettext_noop("指标值“%(text)s”"),
    "value.quoted_actual": gettext_noop("实际值“%(text)s”"),
    "value.note_ignored": gettext_noop("括号中的说明“%(note)s”不参与计算"),
    "value.range": gettext_noop("%(quoted)s是一个区间，无法确定单一目标值"),
    "value.unknown_unit": gettext_noop("%(quoted)s中的“%(unit)s”无法识别为度量单位"),
    "value.two_operators": gettext_noop("%(quoted)s同时写了“%(op)s”和“%(suffix)s”，计算符号矛盾"),
    "value.rare_unit": gettext_noop("度量单位“%(unit)s”不在常用单位表中，按原文保留"),
    "value.no_number": gettext_noop("%(quoted)s有计算符号和度量单位，但没有数值"),
    "value.operator_only": gettext_noop("%(quoted)s只有计算符号，没有数值"),
    "value.unit_only": gettext_noop("%(quoted)s只有度量单位，没有数值"),
    "value.not_a_number": gettext_noop("%(quoted)s的计算符号后“%(core)s”不是数值"),
    "value.implied_zero": gettext_noop("未写计算符号，数值为0，按“=0”读取"),
    "value.implied_cost": gettext_noop("未写计算符号，成本指标下按“≤”读取"),
    "value.implied": gettext_noop("未写计算符号，按“≥”读取"),
    "value.not_text": gettext_noop("指标值“%(original)s”不是数值或文字"),
    "value.placeholder": gettext_noop("指标值“%(original)s”是占位符，未填写目标值"),
    "value.empty": gettext_noop("指标值为空"),
    "value.not_a_date": gettext_noop("计算符号为时限，但指标值“%(original)s”不是日期"),
    "value.column_operator": gettext_noop("计算符号为“%(operator)s”"),
    "value.column_unit": gettext_noop("度量单位为“%(unit)s”"),
    "value.column_no_number": gettext_noop("%(column)s，但指标值“%(original)s”没有数值"),
    "value.range_end": gettext_noop("时间区间取其终点"),
    "value.budget_year": gettext_noop("未写年份，按预算年度%(year)s年"),
    "value.deadline_problem": gettext_noop("时效指标“%(original)s”%(problem)s"),
    "value.unknown_operator": gettext_noop("计算符号“%(operator)s”无法识别"),
    "value.column_operator_differs": gettext_noop(
        "计算符号列为“%(column)s”，而指标值“%(original)s”写作“%(written)s”"),
    "value.column_unit_differs": gettext_noop(
        "度量单位列为“%(column)s”，而指标值“%(original)s”的单位是“%(unit)s”"),
    "value.unreadable": gettext_noop("无法读取“%(original)s”"),
    "value.actual_placeholder": gettext_noop("实际值“%(original)s”是占位符，未填写"),
    "value.actual_empty": gettext_noop("实际值为空"),
    "value.on_date": gettext_noop("（%(date)s）"),
    "value.done_without_date": gettext_noop("未写完成日期，按按时完成计%(on)s"),
    "value.late_without_date": gettext_noop("未按时完成，未写完成日期"),
    "value.no_date": gettext_noop("无法读出完成日期"),
    "value.actual_deadline_problem": gettext_noop("时效指标的实际值“%(original)s”%(problem)s"),
    "value.actual_not_a_number": gettext_noop(
        "实际值“%(original)s”不是数值，无法与“%(target)s”比较"),
    "value.actual_operator": gettext_noop("实际值中的计算符号“%(op)s”不参与计算"),
    "value.actual_unit_from_target": gettext_noop("实际值未写单位，按目标单位“%(unit)s”"),
    "value.target_unit_from_actual": gettext_noop("目标值未写单位，按实际值单位“%(unit)s”"),
    "value.unit_mismatch": gettext_noop(
        "实际值“%(original)s”的单位“%(written)s”与目标“%(target)s”的单位“%(unit)s”不一致"),
    "value.money_converted": gettext_noop(
        "%(number)s%(written)s = %(converted)s%(unit)s（金额单位换算）"),
    "value.actual_alone": gettext_noop("目标值无法读取，实际值未与目标比较"),
    "value.words_ignored": gettext_noop("“%(words)s”是说明文字，不参与计算"),
    "value.relative_base": gettext_noop("数值是相对于“%(base)s”的，实际值应按同一口径填写"),
    "value.approximate": gettext_noop("“%(word)s”表示约数，按%(number)s读取"),
    "value.multiplier": gettext_noop("“%(written)s”读作%(number)s"),
    "value.money_unit_from": gettext_noop("单位“%(unit)s”未写金额单位，按“%(given)s”读取"),
    "value.currency_assumed": gettext_noop(
        "成本指标的单位“%(unit)s”未写金额单位，按“%(assumed)s”读取"),
    "value.no_currency": gettext_noop("%(quoted)s的单位“%(unit)s”不完整，缺少金额或计量单位"),
    "value.unit_converted": gettext_noop(
        "%(number)s%(written)s = %(converted)s%(unit)s（单位换算）"),
    "value.after_word": gettext_noop("%(quoted)s中“%(word)s”后的“%(rest)s”不是数值"),
    "value.ratio": gettext_noop("%(quoted)s是一个比例，无法读作单一目标值"),
    "value.column_unit_unknown": gettext_noop("度量单位列“%(unit)s”不是度量单位"),
    "value.change": gettext_noop("数值是“%(change)s”的幅度，实际值应填写同一口径的幅度"),
    "value.frequency": gettext_noop("“%(written)s”是频次，按“%(read)s”读取"),
    "value.frequency_done": gettext_noop(
        "实际值“%(original)s”未写次数，按每期都已完成、达到“%(read)s”计"),
    "value.relative_ceiling": gettext_noop(
        "读作不超过“%(reference)s”的相对上限；表中没有“%(reference)s”的数额，按定性指标评分"),
    "value.relative_floor": gettext_noop(
        "读作不低于“%(reference)s”的相对下限；表中没有“%(reference)s”的数额，按定性指标评分"),
}  # fmt: skip

#: key evaluations and ex-ante assessments (evaluations.key: framework, selection, panel,
#: score_table, conflicts, credit_code, ex_ante)
_KEY = {
    "key.label": gettext_noop("第%(n)s项指标“%(name)s”"),
    "key.label_unnamed": gettext_noop("第%(n)s项指标（未填名称）"),
    "key.unknown_kind": gettext_noop("没有“%(kind)s”的专项指标，可选：%(kinds)s"),
    "key.bad_donor": gettext_noop(
        "规则库中“%(kind)s”的指标“%(name)s”应从“%(donor)s”划出分值，但该指标不存在或分值不足"),
    "key.K01": gettext_noop("各指标分值合计%(total)s分%(note)s，应为%(expected)s分"),
    "key.K01.unread": gettext_noop("（另有%(n)s项分值无法读取，未计入）"),
    "key.K02": gettext_noop("%(parts)s指标分值合计%(total)s分，低于%(least)s分"),
    "key.K03": gettext_noop("%(label)s的得分%(score)s超出0至%(weight)s分的范围"),
    "key.K04": gettext_noop("填报的总分%(stated)s与各项得分之和%(written)s相差%(gap)s"),
    "key.K04.unreadable": gettext_noop(
        "填报的总分“%(stated)s”不是数值，无法与各项得分之和%(written)s核对"),
    "key.K05": gettext_noop("填报的等级“%(grade)s”与填报总分%(total)s对应的等级“%(band)s”不符"),
    "key.K05.written": gettext_noop(
        "填报的等级“%(grade)s”与各项得分之和%(total)s对应的等级“%(band)s”不符"),
    "key.K06": gettext_noop(
        "%(label)s的一级指标“%(name)s”不在指标体系（%(allowed)s）中，其分值不计入产出和效益合计"),
    "key.K06.empty": gettext_noop("%(label)s未填一级指标，应为%(allowed)s之一"),
    "key.empty_name": gettext_noop("%(label)s未填%(levels)s"),
    "key.weight_not_positive": gettext_noop("%(label)s的分值%(weight)s应大于0"),
    "key.sel.factor": gettext_noop("%(shown)s → %(points)s × %(weight)s = %(weighted)s"),
    "key.sel.total": gettext_noop("%(parts)s；合计 %(total)s"),
    "key.sel.amount": gettext_noop("金额 %(amount)s万元 = 最大值的 %(share)s"),
    "key.sel.coverage": gettext_noop(
        "覆盖面：受益人数 %(people)s = 最大值的 %(people_share)s（占%(people_mix)s），"
        "涉及单位 %(units)s 个 = 最大值的 %(units_share)s（占%(units_mix)s）"),
    "key.sel.attention": gettext_noop("社会关注度高%(note)s"),
    "key.sel.note": gettext_noop("（%(note)s）"),
    "key.sel.no_attention": gettext_noop("未标注社会关注"),
    "key.sel.never": gettext_noop("从未评价"),
    "key.sel.years": gettext_noop("上次评价于%(last)s年，距今%(years)s年（满%(cycle)s年计满分）"),
    "key.sel.grade": gettext_noop("上次评价等级“%(grade)s”"),
    "key.sel.no_grade": gettext_noop("无上次评价等级"),
    "key.keyp.amount": gettext_noop("全年预算%(amount)s万元 ≥ 重点项目标准%(line)s万元，是重点项目"),
    "key.keyp.kind": gettext_noop("属于%(kinds)s，是重点项目"),
    "key.keyp.not": gettext_noop(
        "全年预算%(amount)s万元 < 重点项目标准%(line)s万元，且不属于%(kinds)s，不是重点项目"),
    "key.cover.never": gettext_noop("从未评价，重点项目每%(cycle)s年至少评价一次，本年应评价"),
    "key.cover.due": gettext_noop(
        "上次评价于%(last)s年，已过%(years)s年，达到%(cycle)s年覆盖周期，本年应评价"),
    "key.cover.later": gettext_noop(
        "上次评价于%(last)s年，按每%(cycle)s年至少评价一次，最迟应于%(by)s年再次评价"),
    "key.panel.limit": gettext_noop("分值%(weight)s × %(share)s = %(limit)s"),
    "key.panel.none": gettext_noop("尚无专家评分"),
    "key.panel.trimmed": gettext_noop("，去掉最高分%(high)s和最低分%(low)s"),
    "key.panel.mean": gettext_noop("(%(sum)s) / %(n)s = %(score)s"),
    "key.panel.flagged": gettext_noop("分差 %(high)s − %(low)s = %(spread)s > %(limit)s，需讨论"),
    "key.panel.within": gettext_noop("分差 %(high)s − %(low)s = %(spread)s ≤ %(limit)s"),
    "key.panel.explanation": gettext_noop("%(n)s位专家评分 %(scores)s%(how)s，%(mean)s；%(spread)s"),
    "key.panel.no_score": gettext_noop("未录入得分"),
    "key.panel.out_of_range": gettext_noop("得分%(score)s应在0至%(weight)s之间"),
    "key.panel.reason_needed": gettext_noop("得分%(score)s低于满分%(weight)s，须填写扣分理由"),
    "key.panel.total_incomplete": gettext_noop("已评得分合计%(total)s分，尚有%(n)s项未评分，未评定等级"),
    "key.panel.total": gettext_noop("%(n)s项指标得分合计%(total)s分，等级“%(grade)s”"),
    "key.table.not_object": gettext_noop("评分表应为对象，实际为%(type)s"),
    "key.table.no_indicators": gettext_noop("评分表没有指标（indicators 应为非空列表）"),
    "key.table.item_not_object": gettext_noop("第%(n)s项指标应为对象，实际为%(type)s"),
    "key.table.no_weight": gettext_noop("%(label)s未填分值，无法计分"),
    "key.table.bad_weight": gettext_noop("%(label)s的分值“%(value)s”不是数值，无法计分"),
    "key.table.negative_weight": gettext_noop("%(label)s的分值%(value)s不能为负数，无法计分"),
    "key.table.no_score": gettext_noop("%(label)s未填得分，无法计分"),
    "key.table.bad_score": gettext_noop("%(label)s的得分“%(value)s”不是数值，无法计分"),
    "key.table.total": gettext_noop(
        "%(n)s项指标得分（各按0至分值计）合计%(total)s分，等级“%(grade)s”"),
    "key.table.total_incomplete": gettext_noop(
        "%(n)s项指标得分合计%(total)s分，另有%(missing)s项无法计分，未评定等级"),
    "key.xlsx.where": gettext_noop(
        "工作表“%(sheet)s”第%(row)s行%(column)s列（%(field)s）：%(message)s"),
    "key.xlsx.where_sheet": gettext_noop("工作表“%(sheet)s”：%(message)s"),
    "key.xlsx.no_header": gettext_noop("前%(n)s行中没有找到表头（%(names)s）"),
    "key.xlsx.no_rows": gettext_noop("表头下没有指标行"),
    "key.xlsx.no_level1": gettext_noop("缺少一级指标名称"),
    "key.xlsx.no_level2": gettext_noop("缺少二级指标名称"),
    "key.xlsx.no_weight": gettext_noop("未填分值"),
    "key.xlsx.bad_weight": gettext_noop("分值“%(value)s”不是数值"),
    "key.xlsx.no_score": gettext_noop("未填得分"),
    "key.xlsx.bad_score": gettext_noop("得分“%(value)s”不是数值"),
    "key.xlsx.score_range": gettext_noop("得分%(score)s超出0至分值%(weight)s的范围"),
    "key.xlsx.bad_total": gettext_noop("合计得分“%(value)s”不是数值"),
    "key.conflict.commissioning": gettext_noop("委托方不能是被评价单位“%(unit)s”本身"),
    "key.conflict.employer": gettext_noop("专家%(name)s的工作单位是被评价单位“%(unit)s”，应回避"),
    "key.conflict.employer_level2": gettext_noop(
        "专家%(name)s的工作单位（%(employer)s）是被评价单位“%(unit)s”的二级单位，应回避"),
    "key.conflict.tie": gettext_noop("%(name)s已申报与被评价单位“%(unit)s”存在利害关系，应回避"),
    "key.conflict.self_evaluation": gettext_noop(
        "第三方机构%(name)s在%(year)s年为被评价单位“%(unit)s”做过绩效自评，不能评价自己的工作，应回避"),
    "key.conflict.consulting": gettext_noop(
        "第三方机构%(name)s在%(year)s年为被评价单位“%(unit)s”提供过咨询服务，应回避"),
    "key.conflict.blacklist": gettext_noop("第三方机构%(name)s在黑名单中%(period)s，原因：%(reason)s"),
    "key.conflict.since": gettext_noop("（自%(start)s起）"),
    "key.conflict.period": gettext_noop("（%(start)s至%(end)s）"),
    "key.conflict.violation": gettext_noop(
        "第三方机构%(name)s近%(years)s年内有评价工作重大违规（%(on)s：%(description)s），不具备承接资格"),
    "key.credit.empty": gettext_noop("未填写统一社会信用代码"),
    "key.credit.length": gettext_noop("统一社会信用代码“%(code)s”应为18位，实际为%(n)s位"),
    "key.credit.characters": gettext_noop(
        "统一社会信用代码“%(code)s”含有不允许的字符“%(chars)s”（只能是数字和除I、O、S、V、Z以外的大写字母）"),
    "key.credit.check": gettext_noop(
        "统一社会信用代码“%(code)s”的校验位应为“%(wanted)s”，实际为“%(got)s”，可能有输错的字符"),
    "key.exante.policy": gettext_noop("新出台的政策，须在预算申报前开展事前绩效评估"),
    "key.exante.project": gettext_noop(
        "新增项目（上年无预算），金额%(amount)s万元 ≥ 事前评估标准%(line)s万元，须在预算申报前开展事前绩效评估"),
    "key.exante.missing": gettext_noop("“%(name)s”未评分"),
    "key.exante.out_of_range": gettext_noop("“%(name)s”的得分%(score)s应在0至%(weight)s之间"),
    "key.exante.unknown": gettext_noop("没有评估维度“%(name)s”"),
    "key.exante.errors": gettext_noop("无法得出结论（%(errors)s）"),
    "key.exante.part": gettext_noop("%(name)s %(score)s"),
    "key.exante.explanation": gettext_noop(
        "%(sum)s，合计%(total)s分 ≥ %(least)s分，建议结论：%(conclusion)s（绩效办可另作结论并说明理由）"),
    "key.exante.no_band": gettext_noop("%(sum)s，合计%(total)s分，规则库中没有对应的结论档次"),
    "key.exante.bad_conclusion": gettext_noop("结论“%(chosen)s”无效，应为%(allowed)s之一"),
    "key.exante.reason_needed": gettext_noop("结论“%(chosen)s”与建议的“%(suggested)s”不同，须说明理由"),
    "key.rate.ratio": gettext_noop("%(name)s = %(a_name)s %(a)s ÷ %(b_name)s %(b)s = %(rate)s%%"),
    "key.rate.change": gettext_noop(
        "%(name)s = (%(b_name)s %(b)s − %(a_name)s %(a)s) ÷ %(b_name)s %(b)s = %(rate)s%%"),
    "key.rate.given": gettext_noop("%(name)s = %(rate)s%%"),
    "key.rate.full": gettext_noop("%(head)s，%(op)s%(target)s%%：得满分 %(score)s"),
    "key.rate.part_whole": gettext_noop("%(head)s，%(op)s%(target)s%%：%(w)s × %(rate)s%% = %(score)s"),
    "key.rate.part": gettext_noop(
        "%(head)s，%(op)s%(target)s%%：%(w)s × %(rate)s%% ÷ %(target)s%% = %(score)s"),
    "key.rate.short": gettext_noop(
        "%(head)s，%(op)s%(target)s%%：差%(gap)s个百分点，%(w)s × (1 − %(gap)s%%) = %(score)s"),
    "key.rate.missing": gettext_noop("%(name)s：缺少%(names)s，无法计算建议得分"),
    "key.rate.zero": gettext_noop("%(name)s：%(b_name)s为%(b)s，不能作除数，无法计算建议得分"),
    "key.rate.bad_rule": gettext_noop(
        "%(name)s：规则库中的公式“%(formula)s”或运算符“%(op)s”无法计算，请专家直接评分"),
}  # fmt: skip

#: public surveys (surveys.formulas, surveys.validity)
_SURVEY = {
    "survey.formula.rate": gettext_noop("满意率：(很满意 + 满意) / 有效答案"),
    "survey.formula.weighted": gettext_noop("加权平均：按量表各级分值计算平均分，再除以100"),
    "survey.formula.unknown": gettext_noop(
        "规则库中的满意度计算方法“%(formula)s”无效，可选：%(formulas)s"),
    "survey.scale.unknown": gettext_noop("“%(label)s”不是满意度量表的选项（%(labels)s）"),
    "survey.scale.negative": gettext_noop("“%(label)s”的答案数%(n)s不能为负数"),
    "survey.rate.none": gettext_noop("没有有效的满意度答案，无法计算满意率"),
    "survey.rate.rate": gettext_noop(
        "满意率 = (%(parts)s) / 有效答案%(valid)s = %(top)s / %(valid)s = %(rate)s（%(percent)s）"),
    "survey.rate.weighted": gettext_noop(
        "加权满意度 = (%(parts)s) / 有效答案%(valid)s / 100 = %(points)s / %(valid)s / 100 = "
        "%(rate)s（%(percent)s）"),
    "survey.ci.none": gettext_noop("没有有效问卷，无法计算置信区间"),
    "survey.ci.out_of_range": gettext_noop("满意率%(rate)s应在0至1之间"),
    "survey.ci.wilson": gettext_noop(
        "威尔逊区间：p = %(rate)s，n = %(n)s，z = %(z)s；中心 (p + z²/2n) / (1 + z²/n) = %(centre)s，"
        "半宽 z × √(p(1 − p)/n + z²/4n²) / (1 + z²/n) = %(half)s；区间 [%(low)s, %(high)s]"),
    "survey.sample.bad": gettext_noop("误差%(margin)s应大于0，比例%(p)s应在0与1之间"),
    "survey.sample.bad_population": gettext_noop("总体规模%(population)s应大于0"),
    "survey.sample.unlimited": gettext_noop(
        "所需样本量 n₀ = z² × p(1 − p) / e² = %(z)s² × %(p)s × %(q)s / %(margin)s² = %(n0)s，"
        "向上取整为%(n)s份（误差±%(margin_pct)s）"),
    "survey.sample.finite": gettext_noop(
        "%(unlimited)s；总体%(population)s，有限总体修正 n = n₀ / (1 + n₀ / N) = "
        "%(n0)s / (1 + %(n0)s / %(population)s) ≈ %(corrected)s，向上取整为%(n)s份"),
    "survey.valid.untimed": gettext_noop("未计时（纸质问卷不计作答时间）"),
    "survey.valid.too_fast": gettext_noop("作答用时%(seconds)s秒，少于%(min)s秒"),
    "survey.valid.timed": gettext_noop("作答用时%(seconds)s秒，不少于%(min)s秒"),
    "survey.valid.few_scale": gettext_noop(
        "答了%(n)s道量表题，少于%(min)s道，不检查是否全部同一选项"),
    "survey.valid.straight": gettext_noop("%(n)s道量表题全部选择“%(label)s”"),
    "survey.valid.varied": gettext_noop("%(n)s道量表题的选择不完全相同"),
    "survey.valid.required": gettext_noop("必答题未作答：%(questions)s"),
    "survey.valid.required_ok": gettext_noop("必答题均已作答"),
    "survey.valid.valid": gettext_noop("有效问卷：%(checks)s"),
    "survey.valid.invalid": gettext_noop("无效问卷：%(checks)s"),
}  # fmt: skip

#: budget linkage (results.linkage)
_LINKAGE = {
    "linkage.source.key_evaluation": gettext_noop("重点评价"),
    "linkage.source.spot_check": gettext_noop("抽查复核"),
    "linkage.source.reviewed": gettext_noop("审核后等级"),
    "linkage.source.rules": gettext_noop("按规则评分"),
    "linkage.rule.grow": gettext_noop("优先保障"),
    "linkage.rule.keep": gettext_noop("不新增"),
    "linkage.rule.cut": gettext_noop("压减"),
    "linkage.rule.cancel": gettext_noop("取消"),
    "linkage.no_grade": gettext_noop("无评价等级"),
    "linkage.grade.of": gettext_noop("%(source)s“%(grade)s”"),
    "linkage.step.grade": gettext_noop(
        "评价等级：%(grades)s；按规则库的顺序取%(source)s的等级“%(grade)s”"),
    "linkage.step.no_grade": gettext_noop("评价等级：%(grades)s；均无等级，按规则库的“无等级”行"),
    "linkage.step.row": gettext_noop("规则表：%(grade)s → %(rule)s，%(percent)s%%"),
    "linkage.step.cancel": gettext_noop("规则库规定等级“%(grade)s”的项目建议取消"),
    "linkage.step.rectification": gettext_noop("有%(n)s项整改未完成，整改前不新增资金：改按不新增，0%%"),
    "linkage.step.execution": gettext_noop(
        "上年预算执行率%(rate)s低于%(line)s，不新增资金：改按不新增，0%%"),
    "linkage.step.amount": gettext_noop(
        "建议安排 = 本年预算%(current)s万元 × (100%% %(percent)s%%) = %(proposed)s万元"),
    "linkage.step.conclusion": gettext_noop("重点评价结论：%(conclusion)s"),
    "linkage.step.one_off": gettext_noop("一次性项目"),
    "linkage.reason": gettext_noop("%(clauses)s"),
    "linkage.reason.grade": gettext_noop("评价等级“%(grade)s”（%(source)s）"),
    "linkage.reason.no_grade": gettext_noop("无评价等级"),
    "linkage.reason.rectification": gettext_noop("有%(n)s项整改未完成，不新增资金"),
    "linkage.reason.execution": gettext_noop("预算执行率%(rate)s低于%(line)s，不新增资金"),
    "linkage.reason.rule": gettext_noop("建议%(rule)s（%(percent)s%%），安排%(proposed)s万元"),
}  # fmt: skip

#: reading an exchange document of the national data elements (indicators.data_elements)
_EXCHANGE = {
    "exchange.no_goal_row": gettext_noop("%(table)s 中没有与此行的年度、区划、单位和项目相同的行"),
    "exchange.duplicate_goal_row": gettext_noop("与前面一行的年度、区划、单位和项目重复"),
    "exchange.not_a_list": gettext_noop("应为行的列表"),
    "exchange.not_an_object": gettext_noop("应为对象（一行）"),
    "exchange.key_missing": gettext_noop("缺少此字段，无法对应到年度、区划、单位或项目"),
    "exchange.bad_year": gettext_noop("不是有效的年度（如 2022）"),
}  # fmt: skip

#: Every template by code (the English text is the catalogue's, jixiao/locale).
MESSAGES: dict[str, str] = {
    **_LINT, **_SCORE, **_UNIT, **_ALERT, **_VALUE, **_KEY, **_SURVEY, **_LINKAGE,
    **_EXCHANGE,
}  # fmt: skip


# --------------------------------------------------------------------------- messages


class Message(str):
    """A message by code and parameters; as a string it is the Chinese text."""

    code: str
    params: dict

    def __new__(cls, code: str, /, **params) -> "Message":
        text = MESSAGES[code] % params
        message = super().__new__(cls, text)
        message.code, message.params = code, params
        return message

    def __reduce__(self):
        return _rebuild, (self.code, self.params)

    def to_data(self) -> dict:
        """`message_data` of this message, computed once: a message is never changed after it
        is made, and one shared by many findings (a date, a rate) is stored with each of them
        (a payment import stores thousands). Treat the result as read-only."""
        data = self.__dict__.get("_data")
        if data is None:
            data = self._data = {
                "code": self.code,
                "params": {k: message_data(v) for k, v in self.params.items()},
            }
        return data


def _rebuild(code: str, params: dict) -> Message:
    return Message(code, **params)


class Join(str):
    """Items joined by a translatable separator ("list": 、, "clauses": ；)."""

    items: tuple
    sep: str

    def __new__(cls, items: Iterable, sep: str = "list") -> "Join":
        items = tuple(items)
        joined = super().__new__(cls, SEPARATORS[sep].join(str(i) for i in items))
        joined.items, joined.sep = items, sep
        return joined

    def __reduce__(self):
        return Join, (self.items, self.sep)


#: Parameters stored as they are, told by their exact type: most parameters are plain text
#: and numbers, and a payment import stores the data of tens of thousands of messages.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def message_data(value):
    """Plain JSON for a message, a join or a parameter (strings and numbers as they are)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Message):
        return value.to_data()
    if isinstance(value, Join):
        return {"join": value.sep, "items": [message_data(i) for i in value.items]}
    if isinstance(value, str):
        return str(value)
    return value


def render(data, translate: Callable[[str], str] = str) -> str:
    """The text of `message_data` output with each template and separator through `translate`.

    Raises KeyError for a code no module defined (the caller falls back to the stored text)."""
    if isinstance(data, Mapping) and "join" in data:
        return translate(SEPARATORS[data["join"]]).join(render(i, translate) for i in data["items"])
    if isinstance(data, Mapping):
        params = {k: render(v, translate) for k, v in data.get("params", {}).items()}
        return translate(MESSAGES[data["code"]]) % params
    return "" if data is None else str(data)


def texts_only(data):
    """Stored JSON without the `<key>_i18n` codes beside its texts: what the API and the
    exports give out, as before the codes were kept."""
    if isinstance(data, Mapping):
        return {k: texts_only(v) for k, v in data.items() if not str(k).endswith("_i18n")}
    if isinstance(data, list):
        return [texts_only(v) for v in data]
    return data
