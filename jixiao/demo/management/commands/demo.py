"""`jixiao demo [--reset]`: migrate, build the demo district, print the logins (CONTRACT.md)."""

import io
import time

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from jixiao.core.audit import audit_context
from jixiao.core.commands import JixiaoCommand
from jixiao.core.progress import progress
from jixiao.demo.build import PERSONAS, STEPS, Demo, demo_exists
from jixiao.demo.surveys import live_survey_url

DEFAULT_PASSWORD = "Jixiao@2022"


class Command(JixiaoCommand):
    help = "迁移数据库，生成东湖区演示数据，并打印各角色的登录账号"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--reset", action="store_true", help="清空整个数据库后重建演示数据")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="所有演示账号的密码")

    def handle(self, *args, **options):
        try:
            validate_password(options["password"])
        except ValidationError as exc:
            self.fail("演示密码不符合密码策略：" + "；".join(exc.messages))
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            from jixiao.budgets.kinds import ensure_project_kinds
            from jixiao.budgets.models import ProjectKind

            ensure_project_kinds(ProjectKind)
            # flush also empties what migrations seeded: the national indicator library.
            call_command("load_library", "--quiet", stdout=io.StringIO())
        if demo_exists() and not options["reset"]:
            self.say(options, "演示数据已存在（用 --reset 清空重建）。")
        else:
            self._build(options)
        self.say(options, f"用时 {time.perf_counter() - started:.1f} 秒。")
        self._print_logins(options["password"])

    def _build(self, options) -> None:
        demo = Demo(password=options["password"])
        with transaction.atomic(), audit_context(source="cli"):
            for _label, step in progress(STEPS, desc="生成演示数据", quiet=options["quiet"]):
                step(demo)

    def _print_logins(self, password: str) -> None:
        self.stdout.write(f"演示账号（密码均为 {password}）：")
        for username, name, _roles, _unit, _office in PERSONAS:
            self.stdout.write(f"  {username:<8} {name}")
        if url := live_survey_url():
            self.stdout.write(f"公众测评问卷：{url}")
        self.stdout.write("信息公开门户：/public/")
