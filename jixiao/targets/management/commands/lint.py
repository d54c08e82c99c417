"""`jixiao lint FILE.json [--rulebook NAME] [--region R --year Y] --json`: lint target
declarations (CONTRACT.md).

No database: `national` and `national-2021` come from `rulebook.named()`. Only a region's own
rulebook (`REGION:YEAR`) and `--region R --year Y` read the database: with a region and year,
each declaration's project is looked up there, or in the region under it that the declaration
names (its `region`), by code, else unit and name, and T13, T15 and T17 run with the context
the pages use (`region_contexts.FileContexts`: each region's units and projects read once a
file); without them those three are listed in `skipped`. One object
in gives one result out; a list gives a list in the same order, an item that does not fit
schemas/target getting `{"errors": [...]}` in its slot. Exit 0 whenever the file is valid
JSON; standard output holds only the JSON. Messages suggest indicators of the bundled national
library (indicators/data/library.json).
"""

import json
from collections.abc import Callable

from jixiao.core import rulebook
from jixiao.core.commands import RuleFileCommand, region_lookup
from jixiao.core.schema_read import SchemaErrors, read_parties
from jixiao.indicators.selectors import national_library_file
from jixiao.targets.declaration import declaration_from_data
from jixiao.targets.lint import lint


class Command(RuleFileCommand):
    help = "检查绩效目标申报表的质量问题；给出 --region 与 --year 时读取数据库检查 T13、T15、T17"
    requires_system_checks = []

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="申报表 JSON 文件（一个对象或对象列表）")
        parser.add_argument("--rulebook", default=rulebook.NATIONAL,
                            help="national、national-2021，或地区规则 REGION:YEAR")  # fmt: skip
        parser.add_argument("--region", help="区划代码：从数据库读取往年实际值、同级项目和一级项目")
        parser.add_argument("--year", type=int, help="预算年度（与 --region 同时给出）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        data = self._read(options["file"])
        rules = self._rules(options["rulebook"])
        lint_rules, catalogue = rules.section("lint"), rules.section("catalogue")
        items = data if isinstance(data, list) else [data]
        context_of = self._context_finder(options)
        library = national_library_file()
        results = [_lint_one(item, lint_rules, catalogue, context_of, library) for item in items]
        if options["json"]:
            output = results if isinstance(data, list) else results[0]
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_report(items, results, rules.label))

    def _context_finder(self, options) -> Callable | None:
        """(item, declaration) → the item's LintContext from the database, or None without
        --region/--year."""
        code, year = options.get("region"), options.get("year")
        if code is None and year is None:
            return None
        if not code or year is None:
            self.fail("--region 与 --year 须同时给出，如“--region 360102 --year 2022”。")
        from django.db import DatabaseError

        from jixiao.targets.region_contexts import FileContexts

        try:
            region = region_lookup().by_code(code)
            contexts = FileContexts(region, year) if region is not None else None
        except DatabaseError:
            self.fail(f"无法读取数据库，不能按地区“{code}”检查往年和同级项目；可去掉 --region。")
        if region is None:
            self.fail(f"地区“{code}”不存在。")

        def find(item: dict, declaration):
            return contexts(read_parties(item, SchemaErrors()), declaration)

        return find


def _lint_one(
    item, rules: dict, catalogue: dict, context_of: Callable | None = None, library=()
) -> dict:
    declaration, errors = declaration_from_data(item, catalogue=catalogue, incidents=rules["T02"])
    if declaration is None:
        return {"errors": errors}
    context = context_of(item, declaration) if context_of is not None else None
    result = lint(declaration, rules=rules, catalogue=catalogue, context=context, library=library)
    return result.to_data()


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
