"""`jixiao import KIND FILE`: import xlsx, CSV (UTF-8 or GBK) or JSON; one transaction."""

from pathlib import Path

from django.contrib.auth import get_user_model

from jixiao.core.commands import JixiaoCommand, region_lookup
from jixiao.core.imports import IMPORTERS, run_import
from jixiao.core.tabular import InputRejected


class Command(JixiaoCommand):
    help = "导入数据（units, projects …）：整个文件一次导入，有任何错误则不写入"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("kind", help="导入类型：" + ", ".join(sorted(IMPORTERS)))
        parser.add_argument("file")
        parser.add_argument("--region", help="区划代码（数据库只有一个区县时可省略）")
        parser.add_argument("--user", help="以该账号的名义导入（默认：该区划预算股的第一个账号）")

    def handle(self, *args, **options):
        importer_class = IMPORTERS.get(options["kind"])
        if importer_class is None:
            self.fail(f"未知的导入类型“{options['kind']}”，可用：{', '.join(sorted(IMPORTERS))}")
        path = Path(options["file"])
        if not path.is_file():
            self.fail(f"找不到文件：{path}")
        region = self._region(options["region"])
        actor = self._actor(region, options["user"])
        if not region_lookup().may_write(actor, region):
            self.fail(f"用户“{actor.username}”无权向区划“{region.code}”导入数据。")
        try:
            result = run_import(
                importer_class(actor=actor, region=region), path.read_bytes(), path.name
            )
        except InputRejected as exc:
            for problem in exc.problems[:200]:
                self.stderr.write(str(problem))
            self.fail(f"导入失败：发现 {exc.total} 个问题，未写入任何数据。")
        self.stdout.write(result.summary())

    def _region(self, code):
        if code:
            region = region_lookup().by_code(code)
            if region is None:
                self.fail(f"找不到区划“{code}”。")
            return region
        region = region_lookup().sole_district()
        if region is None:
            self.fail("请用 --region 指定区划代码。")
        return region

    def _actor(self, region, username):
        if username:
            user = get_user_model().objects.filter(is_active=True, username=username).first()
            if user is None:
                self.fail(f"用户“{username}”不存在或已停用。")
            return user
        user = region_lookup().default_importer(region)
        if user is None:
            self.fail("该区划没有预算股账号，请用 --user 指定导入人。")
        return user
