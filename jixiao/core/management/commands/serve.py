"""`jixiao serve [--port 8000]`: the production server (gunicorn) on 127.0.0.1 (CONTRACT.md).

Put it behind a reverse proxy (nginx) for TLS and a public address; see docs/deploy.md.
"""

import os
import sys

from django.core.management import call_command

from jixiao.core.commands import JixiaoCommand


class Command(JixiaoCommand):
    help = "以生产模式（gunicorn）在 127.0.0.1 上运行 Jixiao"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认仅本机）")
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3))
        )
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        from gunicorn.app.wsgiapp import run

        self.say(options, f"Jixiao 运行于 http://{options['host']}:{options['port']}/")
        sys.argv = [
            "gunicorn",
            "jixiao.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        run()
