"""`jixiao restore FILE`: put a backup of `jixiao backup` back in place (docs/deploy.md)."""

from pathlib import Path

from django.utils.translation import gettext as _

from jixiao.core import backup
from jixiao.core.commands import JixiaoCommand


class Command(JixiaoCommand):
    help = "从备份文件恢复数据库（先停止 jixiao serve 和 jixiao worker）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=_("jixiao backup 生成的备份文件"))

    def handle(self, *args, **options):
        source = Path(options["file"])
        with backup.page_bar(_("恢复"), options) as progress:
            try:
                backup.restore(source, progress)
            except backup.BackupError as exc:
                self.fail(str(exc))
        self.say(options, _("已从 %(path)s 恢复数据库。") % {"path": source})
