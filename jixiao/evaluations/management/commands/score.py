"""`jixiao score FILE.json [--rulebook NAME] --json`: score self-evaluations (CONTRACT.md);
with `--kind key`, check key-evaluation score tables (K01–K06, evaluations.key.score_table).

No database: `national` and `national-2021` come from `rulebook.named()`; only a region's own
rulebook (`REGION:YEAR`) reads the database. One object in gives one result out; a list gives a
list in the same order, an item that does not fit schemas/selfeval getting `{"errors": [...]}`
in its slot. Exit 0 whenever the file is valid JSON; standard output holds only the JSON.
Reading the file and the rulebook works exactly as for `jixiao lint`, whose command this reuses.
"""

import json
from decimal import Decimal

from jixiao.core import rulebook
from jixiao.core.commands import RuleFileCommand
from jixiao.evaluations.key.score_table import check_score_table
from jixiao.evaluations.scoring import ScoringRulesError, score, scoring_params
from jixiao.evaluations.selfeval_data import selfeval_from_data


class Command(RuleFileCommand):
    help = "按规则计算项目支出绩效自评表的得分和等级，无需数据库"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不显示进度和提示")
        parser.add_argument("file", help="自评表 JSON 文件（一个对象或对象列表）")
        parser.add_argument("--rulebook", default=rulebook.NATIONAL,
                            help="national、national-2021，或地区规则 REGION:YEAR")  # fmt: skip
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--kind", choices=("selfeval", "key"), default="selfeval",
                            help="selfeval：项目支出绩效自评表（默认）；key：重点评价评分表")  # fmt: skip

    def handle(self, *args, **options):
        data = self._read(options["file"])
        rules = self._rules(options["rulebook"])
        if options["kind"] == "key":
            return self._key(data, rules, options)
        try:
            params = scoring_params(rules.section("scoring"))
            catalogue = rules.section("catalogue")
            incidents = rules.get("lint.T02")
        except (ScoringRulesError, rulebook.RulebookError, KeyError, ValueError) as exc:
            self.fail(f"规则库“{rules.label}”的计分规则无法使用：{exc}")
        items = data if isinstance(data, list) else [data]
        results = [_score_one(item, params, catalogue, incidents) for item in items]
        if options["json"]:
            output = results if isinstance(data, list) else results[0]
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_report(items, results, rules.label))

    def _key(self, data, rules: rulebook.Rules, options) -> None:
        """`--kind key`: check agency score tables (K01–K06, CONTRACT.md)."""
        try:
            section, grades = rules.section("key_evaluation"), rules.section("scoring")["grades"]
        except (rulebook.RulebookError, KeyError) as exc:
            self.fail(f"规则库“{rules.label}”的重点评价规则无法使用：{exc}")
        items = data if isinstance(data, list) else [data]
        results = [check_score_table(item, section, grades) for item in items]
        if options["json"]:
            output = [r.to_data() for r in results]
            output = output if isinstance(data, list) else output[0]
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_key_report(items, results, rules.label))


def _score_one(item, params, catalogue: dict, incidents=None) -> dict:
    selfeval, errors = selfeval_from_data(item, catalogue=catalogue, incidents=incidents)
    if selfeval is None:
        return {"errors": errors}
    return score(selfeval, rules=params, catalogue=catalogue).to_data()


# --------------------------------------------------------------------------- the readable report


def _report(items: list, results: list[dict], label: str) -> str:
    """A readable Chinese table for people (without --json)."""
    lines = [f"规则库：{label}"]
    for number, (item, result) in enumerate(zip(items, results, strict=True), start=1):
        lines += ["", f"【{number}】{_title(item)}"]
        if "indicators" not in result:
            lines += [f"  格式错误：{e['message']}" for e in result["errors"]]
            continue
        lines += _table(result)
    return "\n".join(lines)


def _table(result: dict) -> list[str]:
    execution = result["execution"]
    rate = execution["rate"]
    shown = "—" if rate is None else f"{Decimal(rate) * 100:.2f}%"
    lines = [f"  预算执行率 {shown}，得分 {execution['score'] or '—'}：{execution['explanation']}",
             "  序号 | 一级指标 | 三级指标 | 分值 | 得分 | 单位自评 | 计分说明"]  # fmt: skip
    for number, row in enumerate(result["indicators"], start=1):
        own = row["self_score"] or ""
        if row["self_score_differs"]:
            own += "（与规则不符）"
        cells = (str(number), row["category"] or "未归类", row["name"], row["weight"] or "—",
                 row["score"] or "—", own or "—", row["explanation"])  # fmt: skip
        lines.append("  " + " | ".join(cells))
    note = "" if result["complete"] else "（不完整）"
    lines.append(f"  总分：{result['total']}{note}　等级：{result['grade'] or '未评定'}")
    lines += [f"  错误：{e['message']}" for e in result["errors"]]
    lines += [f"  提示：{w['message']}" for w in result["warnings"]]
    return lines


def _key_report(items: list, results: list, label: str) -> str:
    """Key-evaluation score tables for people: each indicator's score, the total and the slips."""
    lines = [f"规则库：{label}"]
    for number, (item, result) in enumerate(zip(items, results, strict=True), start=1):
        subject = item.get("subject") if isinstance(item, dict) else None
        lines += ["", f"【{number}】{subject if isinstance(subject, str) else '（未写评价对象）'}"]
        if result.errors:
            lines += [f"  格式错误：{e['message']}" for e in result.errors]
            continue
        lines.append("  序号 | 一级指标 | 三级指标 | 分值 | 得分")
        for n, (row, line) in enumerate(
            zip(item["indicators"], result.indicators, strict=True), start=1
        ):
            shown = "—" if line.score is None else f"{line.score:f}"
            cells = (str(n), *(str(row.get(k) or "—") for k in ("level1", "level3", "weight")))
            lines.append("  " + " | ".join((*cells, shown)))
            lines += [f"    错误：{e['message']}" for e in line.errors]
        lines.append(f"  {result.explanation}")
        lines += [f"  {c.code}：{c.message}" for c in result.checks]
        if not result.checks:
            lines.append("  未发现问题。")
    return "\n".join(lines)


def _title(item) -> str:
    if not isinstance(item, dict):
        return "（无法识别的自评表）"
    for part in (item.get("project"), item.get("unit")):
        if isinstance(part, dict) and isinstance(part.get("name"), str):
            return part["name"]
    return "（未写项目名称）"
