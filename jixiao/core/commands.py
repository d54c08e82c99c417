"""Helpers for management commands: one-line Chinese errors and the --quiet flag."""

from django.core.management.base import BaseCommand, CommandError


class JixiaoCommand(BaseCommand):
    """Base for Jixiao's commands: `--quiet`, and failures as one line on stderr, exit 1."""

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不显示进度和提示")

    def fail(self, message: str):
        raise CommandError(message, returncode=1)

    def say(self, options, message: str) -> None:
        if not options.get("quiet"):
            self.stderr.write(message)
