"""`jixiao token USERNAME`: print a new API token for that user (CONTRACT.md)."""

from django.contrib.auth import get_user_model

from jixiao.core import audit
from jixiao.core.commands import JixiaoCommand
from jixiao.core.models import ApiToken


class Command(JixiaoCommand):
    help = "为用户创建新的 API 令牌并打印"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            self.fail(f"用户“{options['username']}”不存在。")
        if not user.is_active:
            self.fail(f"用户“{user.username}”已停用。")
        with audit.audit_context(source="cli"):
            token, key = ApiToken.objects.issue(user, name=options["name"])
            audit.record(action="create", instance=token, actor=user, message="命令行创建 API 令牌")
        self.stdout.write(key)
