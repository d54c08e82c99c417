"""`jixiao lint FILE.json [--rulebook NAME] --json`: lint target declarations (CONTRACT.md).

No database: `national` and `national-2021` come from `rulebook.named()`. Only a region's own
rulebook (`REGION:YEAR`) reads the database. One object in gives one result out; a list gives a
list in the same order, an item that does not fit schemas/target getting `{"errors": [...]}` in
its slot. Exit 0 whenever the file is valid JSON; standard output holds only the JSON.
"""

import json

from jixiao.core import rulebook
from jixiao.core.commands import RuleFileCommand
from jixiao.targets.declaration import declaration_from_data
from jixiao.targets.lint import lint


class Command(RuleFileCommand):
    help = "检查绩效目标申报表的质量问题（T01–T18），无需数据库"
    requires_system_checks = []

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="申报表 JSON 文件（一个对象或对象列表）")
        parser.add_argument("--rulebook", default=rulebook.NATIONAL,
                            help="national、national-2021，或地区规则 REGION:YEAR")  # fmt: skip
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        data = self._read(options["file"])
        rules = self._rules(options["rulebook"])
        lint_rules, catalogue = rules.section("lint"), rules.section("catalogue")
        items = data if isinstance(data, list) else [data]
        results = [_lint_one(item, lint_rules, catalogue) for item in items]
        if options["json"]:
            output = results if isinstance(data, list) else results[0]
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_report(items, results, rules.label))


def _lint_one(item, rules: dict, catalogue: dict) -> dict:
    declaration, errors = declaration_from_data(item, catalogue=catalogue)
    if declaration is None:
        return {"errors": errors}
    return lint(declaration, rules=rules, catalogue=catalogue, context=None).to_data()


def _report(items: list, results: list[dict], label: str) -> str:
    """A readable Chinese report for people (without --json)."""
    lines = [f"规则库：{label}"]
    for number, (item, result) in enumerate(zip(items, results, strict=True), start=1):
        lines.append("")
        lines.append(f"【{number}】{_title(item)}")
        if "errors" in result:
            lines += [f"  格式错误：{e['message']}" for e in result["errors"]]
            continue
        findings = result["findings"]
        blocking = sum(f["blocking"] for f in findings)
        lines.append(f"  发现 {len(findings)} 个问题，其中 {blocking} 个须修改后才能提交。")
        for f in findings:
            level = "须修改" if f["blocking"] else "提示"
            lines.append(f"  {f['code']} [{level}] {f['message']}")
        lines += [f"  归类提示：{w['message']}" for w in result["warnings"]]
        if result["skipped"]:
            lines.append(f"  未检查（需要往年或同级项目数据）：{'、'.join(result['skipped'])}")
    return "\n".join(lines)


def _title(item) -> str:
    if not isinstance(item, dict):
        return "（无法识别的申报表）"
    project, unit = item.get("project"), item.get("unit")
    for part in (project, unit):
        if isinstance(part, dict) and isinstance(part.get("name"), str):
            return part["name"]
    return "（未写项目名称）"
