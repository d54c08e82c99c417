"""`jixiao load_library [FILE] [--region CODE]`: load indicator-library templates.

Without FILE the bundled national library (indicators/data/library.json) is loaded again, which
is what the data migration does; without --region the rows are national (region null), with it
they are that region's own. JSON or xlsx/CSV with the columns 行业领域, 类型, 一级指标, 二级指标,
三级指标, 参考指标值, 度量单位, 指标解释; one transaction, every problem located, in Chinese.
"""

from pathlib import Path

from django.contrib.auth import get_user_model

from jixiao.core.commands import JixiaoCommand
from jixiao.core.imports import run_import
from jixiao.core.tabular import InputRejected

from ...importers import LibraryImporter

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "library.json"


class Command(JixiaoCommand):
    help = "导入指标库：不指定文件时重新载入全国指标库；--region 导入为该区划的指标"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "file",
            nargs="?",
            default=str(DEFAULT_FILE),
            help="JSON、xlsx 或 CSV 文件（默认：全国指标库 library.json）",
        )
        parser.add_argument("--region", help="区划代码；省略时导入为全国通用指标")
        parser.add_argument("--user", help="以该账号的名义导入（默认：该区划绩效办的第一个账号）")

    def handle(self, *args, **options):
        from jixiao.orgs.models import Region, Role

        path = Path(options["file"])
        if not path.is_file():
            self.fail(f"找不到文件：{path}")
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                self.fail(f"找不到区划“{options['region']}”。")
        actor = self._actor(Role, region, options["user"])
        if (
            region is not None
            and actor is not None
            and not (Region.objects.visible_to(actor).filter(pk=region.pk).exists())
        ):
            self.fail(f"用户“{actor.username}”无权向区划“{region.code}”导入指标库。")
        try:
            result = run_import(
                LibraryImporter(actor=actor, region=region), path.read_bytes(), path.name
            )
        except InputRejected as exc:
            for problem in exc.problems[:200]:
                self.stderr.write(str(problem))
            self.fail(f"导入失败：发现 {exc.total} 个问题，未写入任何数据。")
        where = region.name if region is not None else "全国"
        self.stdout.write(
            f"指标库导入成功（{where}）：{result.rows} 行，"
            f"新增 {result.created}，更新 {result.updated}。"
        )

    def _actor(self, Role, region, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                self.fail(f"用户“{username}”不存在或已停用。")
            return user
        if region is None:
            return None  # the national library is system data, as the data migration loads it
        user = next((u for u in users.filter(region=region) if u.has_role(Role.PERFORMANCE)), None)
        if user is None:
            self.fail("该区划没有绩效办账号，请用 --user 指定导入人。")
        return user
