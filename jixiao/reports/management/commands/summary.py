"""`jixiao summary --region R --year Y --format docx|json -o FILE` (CONTRACT.md): the annual work
summary (DOMAIN.md §9) of a region's work year, as the Word document or as the figures' JSON.

The region is read whole, as the bureau's staff see it (`RegionReader`), through the same
selectors as the dashboards. JSON goes to FILE, or to standard output with `-o -` or without -o
(then standard output holds only the JSON); the Word document needs a file. Progress and messages
go to standard error.
"""

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from jixiao.core.commands import JixiaoCommand
from jixiao.core.progress import progress
from jixiao.core.scope import RegionReader

FORMATS = ("docx", "json")


class Command(JixiaoCommand):
    help = "生成年度预算绩效管理工作总结（Word 文档或 JSON 数据）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--region", required=True, help="区划代码，如 360102")
        parser.add_argument("--year", required=True, help="工作年度，如 2021")
        parser.add_argument("--format", default="docx", help="docx（默认）或 json")
        parser.add_argument("-o", "--output", help="输出文件；JSON 可用 - 或省略表示标准输出")
        parser.add_argument("--today", help="按该日期落款并判断逾期（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        fmt = options["format"]
        if fmt not in FORMATS:
            self.fail(f"不支持的格式“{fmt}”，可用：{'、'.join(FORMATS)}。")
        output = options["output"]
        if fmt == "docx" and output in (None, "-"):
            self.fail("生成 Word 文档需要用 -o 指定输出文件。")
        region = self._region(options)
        year, today = self._year(options, region), self._today(options)
        reader = RegionReader(region.path)
        if fmt == "json":
            self._json(reader, region, year, today, output, options)
        else:
            self._docx(reader, region, year, today, output, options)

    def _region(self, options):
        from jixiao.orgs.models import Region

        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            self.fail(f"找不到区划“{options['region']}”。")
        return region

    def _year(self, options, region) -> int:
        from jixiao.budgets.models import FiscalYear

        text = options["year"]
        if not (text.isdigit() and len(text) == 4):
            self.fail(f"年度应为四位数字，如 2021：{text}")
        year = int(text)
        known = FiscalYear.objects.filter(year=year, region__path__startswith=region.path)
        if not known.exists():
            self.fail(
                f"区划“{region.code}”（{region.name}）没有 {year} 年度的预算年度，"
                "无法生成工作总结。"
            )
        return year

    def _today(self, options) -> dt.date:
        if not options["today"]:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(options["today"])
        except ValueError:
            self.fail(f"日期格式应为 YYYY-MM-DD：{options['today']}")

    def _json(self, reader, region, year, today, output, options) -> None:
        from jixiao.reports.stats import as_json, summary_figures

        self.say(options, f"正在统计 {region.name} {year} 年度的数据……")
        figures = as_json(summary_figures(user=reader, region=region, year=year, today=today))
        text = json.dumps(figures, ensure_ascii=False, indent=2)
        self.audit_export(kind="summary", rows=None, options=options, region=region)
        if output in (None, "-"):
            self.stdout.write(text)
            return
        Path(output).write_text(text + "\n", encoding="utf-8")
        self.say(options, f"已写入 {output}。")

    def _docx(self, reader, region, year, today, output, options) -> None:
        from jixiao.reports.summary import summary_docx

        self.say(options, f"正在生成 {region.name} {year} 年度预算绩效管理工作总结……")

        def steps(items):
            items = list(items)
            return progress(items, total=len(items), desc="数据明细", quiet=options["quiet"])

        data = summary_docx(user=reader, region=region, year=year, today=today, progress=steps)
        Path(output).write_bytes(data)
        self.audit_export(kind="summary", rows=None, options=options, region=region)
        self.say(options, f"已生成 {output}（{len(data)} 字节）。")
