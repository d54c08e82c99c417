"""`jixiao alerts FILE.json [--rulebook NAME] --json [--today DATE]`: alerts M01–M07 of
monitoring reports (CONTRACT.md, DOMAIN.md §5).

No database: `national` and `national-2021` come from `rulebook.named()`; only a region's own
rulebook (`REGION:YEAR`) reads the database. One object in gives one result out; a list gives a
list in the same order, an item that does not fit schemas/monitoring getting `{"errors": [...]}`
in its slot. Exit 0 whenever the file is valid JSON; standard output holds only the JSON.
Reading the file and the rulebook is shared with `jixiao lint` (same messages, same rules).
"""

import json
from datetime import date

from django.utils import timezone

from jixiao.core import rulebook
from jixiao.core.commands import RuleFileCommand
from jixiao.monitoring.alerts import AlertRules, alerts
from jixiao.monitoring.report_data import report_from_data

_LEVELS = {"red": "红色", "yellow": "黄色"}


class Command(RuleFileCommand):
    help = "计算绩效监控表的预警（M01–M07），无需数据库"
    requires_system_checks = []

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="监控表 JSON 文件（一个对象或对象列表）")
        parser.add_argument("--rulebook", default=rulebook.NATIONAL,
                            help="national、national-2021，或地区规则 REGION:YEAR")  # fmt: skip
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--today", help="检查日 YYYY-MM-DD（判断 M07 逾期未报送），默认今天")

    def handle(self, *args, **options):
        today = self._today(options["today"])
        data = self._read(options["file"])
        rules = self._rules(options["rulebook"])
        try:
            alert_rules = AlertRules.from_section(rules.section("monitoring"))
        except (rulebook.RulebookError, ValueError, KeyError, TypeError) as exc:
            self.fail(f"规则库“{rules.label}”的监控规则无法使用：{exc}")
        items = data if isinstance(data, list) else [data]
        results = [_alerts_one(item, alert_rules, today) for item in items]
        if options["json"]:
            output = results if isinstance(data, list) else results[0]
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_report(items, results, rules.label, today))

    def _today(self, text: str | None) -> date:
        if text is None:
            return timezone.localdate()
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            self.fail(f"检查日“{text}”不是日期，应写作 YYYY-MM-DD。")


def _alerts_one(item, rules: AlertRules, today: date) -> dict:
    report, errors = report_from_data(item)
    if report is None:
        return {"errors": errors}
    return alerts(report, rules=rules, today=today).to_data()


def _report(items: list, results: list[dict], label: str, today: date) -> str:
    """A readable Chinese report for people (without --json)."""
    lines = [f"规则库：{label}；检查日：{today.isoformat()}"]
    for number, (item, result) in enumerate(zip(items, results, strict=True), start=1):
        lines.append("")
        lines.append(f"【{number}】{_title(item)}")
        if "errors" in result:
            lines += [f"  格式错误：{e['message']}" for e in result["errors"]]
            continue
        found = result["alerts"]
        red = sum(a["level"] == "red" for a in found)
        lines.append(f"  预警 {len(found)} 条，其中红色 {red} 条。")
        lines += [f"  {a['code']} [{_LEVELS[a['level']]}] {a['message']}" for a in found]
        lines += [f"  未判断：{w['message']}" for w in result["warnings"]]
    return "\n".join(lines)


def _title(item) -> str:
    if not isinstance(item, dict):
        return "（无法识别的监控表）"
    for part in (item.get("project"), item.get("unit")):
        if isinstance(part, dict) and isinstance(part.get("name"), str):
            return part["name"]
    return "（未写项目名称）"
