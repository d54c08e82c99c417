"""`jixiao backup -o FILE`: a consistent copy of the database while it runs (docs/deploy.md)."""

from pathlib import Path

from django.utils.translation import gettext as _

from jixiao.core import backup
from jixiao.core.commands import JixiaoCommand


class Command(JixiaoCommand):
    help = "备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump -Fc）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help=_("备份文件"))

    def handle(self, *args, **options):
        output = Path(options["output"])
        with backup.page_bar(_("备份"), options) as progress:
            try:
                backup.backup(output, progress)
            except backup.BackupError as exc:
                self.fail(str(exc))
        self.say(options, _("已备份到 %(path)s。") % {"path": output})
