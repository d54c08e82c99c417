"""`jixiao export KIND --region R --year Y --format xlsx|json -o FILE` (CONTRACT.md); `--format
national` writes the national data elements (targets, selfevals; docs/api.md, 数据交换)."""

from pathlib import Path

from jixiao.core.commands import JixiaoCommand, region_lookup
from jixiao.core.exports import EXPORTERS, NATIONAL, national_bytes, row_count
from jixiao.core.scope import RegionReader


class Command(JixiaoCommand):
    help = "导出数据（与导入模板相同的格式）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("kind")
        parser.add_argument("--region", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--format",
            choices=["xlsx", "json", "national"],
            default="xlsx",
            help="national：按全国预算管理一体化绩效数据元素的表名和字段名导出 JSON（目标、自评）",
        )
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, **options):
        exporter = EXPORTERS.get(options["kind"])
        if exporter is None:
            self.fail(f"未知的导出类型“{options['kind']}”，可用：{', '.join(sorted(EXPORTERS))}")
        region = region_lookup().by_code(options["region"])
        if region is None:
            self.fail(f"找不到区划“{options['region']}”。")
        national = options["format"] == "national"
        if national and options["kind"] not in NATIONAL:
            self.fail(
                f"“{options['kind']}”没有一体化数据元素格式，可用：{', '.join(sorted(NATIONAL))}"
            )
        reader = RegionReader(region.path)
        data = exporter(reader, region, options["year"], "json" if national else options["format"])
        if national:
            data = national_bytes(options["kind"], data)
        Path(options["output"]).write_bytes(data)
        rows = row_count(options["kind"], reader, region, options["year"])
        self.audit_export(kind=options["kind"], rows=rows, options=options, region=region)
        self.say(options, f"已导出到 {options['output']}（{len(data)} 字节）。")
