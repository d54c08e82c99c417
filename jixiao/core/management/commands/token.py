"""`jixiao token USERNAME`: print a new API token for that user (CONTRACT.md).

Alone it gives a full-scope token; `--read-only`, `--kinds targets,payments` and `--expires
2027-03-31` (its last day) hold it to less, `--name` says what it is for. `jixiao token --revoke
ID` revokes a token (its number, as the profile page and `--list` show it); `jixiao token USERNAME
--list` lists a user's tokens without their secrets."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from jixiao.core import audit
from jixiao.core.api import api_kinds
from jixiao.core.commands import JixiaoCommand
from jixiao.core.models import ApiToken


class Command(JixiaoCommand):
    help = "为用户创建新的 API 令牌并打印（可限定只读、对象种类和有效期），或吊销、列出令牌"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username", nargs="?")
        parser.add_argument("--name", default="cli", help="令牌的用途")
        parser.add_argument("--read-only", action="store_true", help="只读令牌：不能修改数据")
        parser.add_argument(
            "--kinds", default="", help="限于这些对象种类，逗号分隔，如 targets,payments"
        )
        parser.add_argument("--expires", default="", help="有效期至（含当天），如 2027-03-31")
        parser.add_argument("--revoke", type=int, metavar="ID", help="吊销此编号的令牌")
        parser.add_argument("--list", action="store_true", help="列出该用户的令牌")

    def handle(self, *args, **options):
        if options["revoke"] is not None:
            return self.revoke(options["revoke"], options)
        if not options["username"]:
            self.fail("请给出用户名，或用 --revoke ID 吊销令牌。")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            self.fail(f"用户“{options['username']}”不存在。")
        if options["list"]:
            return self.list(user)
        if not user.is_active:
            self.fail(f"用户“{user.username}”已停用。")
        kinds = self.kinds(options["kinds"])
        expires_on = self.expires(options["expires"])
        with audit.audit_context(source="cli"):
            token, key = ApiToken.objects.issue(
                user,
                name=options["name"],
                read_only=options["read_only"],
                kinds=kinds,
                expires_on=expires_on,
            )
            audit.record(action="create", instance=token, actor=user, message="命令行创建 API 令牌")
        self.stdout.write(key)

    def kinds(self, text: str) -> list[str]:
        kinds = [k.strip() for k in text.split(",") if k.strip()]
        known = api_kinds()
        unknown = [k for k in kinds if k not in known]
        if unknown:
            self.fail(f"未知的对象种类：{'、'.join(unknown)}（可用：{', '.join(known)}）。")
        return kinds

    def expires(self, text: str):
        if not text:
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"有效期“{text}”不是日期，应写作 2027-03-31。")
        if day < timezone.localdate():
            self.fail(f"有效期 {day} 已过。")
        return day

    def revoke(self, pk: int, options) -> None:
        token = ApiToken.objects.filter(pk=pk).select_related("user").first()
        if token is None:
            self.fail(f"令牌 {pk} 不存在。")
        if not token.revoked:
            with audit.audit_context(source="cli"):
                token.revoked = True
                token.save(update_fields=["revoked"])
                audit.record(action="update", instance=token, message="命令行吊销 API 令牌")
        self.say(options, f"令牌 {pk}（{token.user.username}，{token.name}）已吊销。")

    def list(self, user) -> None:
        for t in ApiToken.objects.filter(user=user).order_by("pk"):
            state = "已吊销" if t.revoked else ("已过期" if t.expired() else "有效")
            expires = t.expires_on.isoformat() if t.expires_on else "—"
            self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{t.scope_label}\t{expires}\t{state}")
