"""`jixiao tick [--today DATE]`: the scheduled job (CONTRACT.md) — late-report alerts (M07)
once a round's deadline has passed, funds suspended for alerts past their disposal deadline,
and the later stages' registered jobs (`core.ticks`: a survey past its closing time is closed).
Safe to run as often as wanted (e.g. every hour from cron), on as many nodes: a run that finds
another at work says so and exits 0 without doing anything (core.locks)."""

import datetime as dt

from django.utils import timezone

from jixiao.core import locks
from jixiao.core.audit import audit_context
from jixiao.core.commands import JixiaoCommand
from jixiao.core.ticks import run_ticks
from jixiao.monitoring.tick import tick


class Command(JixiaoCommand):
    help = "定时任务：逾期未报的监控报告预警（M07），逾期未处置预警的项目暂停资金"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--today", help="按该日期判断（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                self.fail(f"日期格式应为 YYYY-MM-DD：{options['today']}")
        try:
            with audit_context(source="cli"):
                result = tick(today=today)
                # the later stages' timed work (core.ticks): at the end of `today` when a date
                # is given, else now
                now = timezone.now()
                if options["today"]:
                    now = timezone.make_aware(dt.datetime.combine(today, dt.time.max))
                done = run_ticks(now)
        except locks.Busy:
            # Another node's or cron's run is doing the same work now: nothing to add, exit 0.
            self.stdout.write(f"{today}：另一个 tick 正在运行，本次未执行，稍后再运行即可。")
            return
        self.stdout.write(
            f"{today}：新增逾期未报预警 {result['late_report_alerts']} 条，"
            f"暂停资金的预警 {result['suspended']} 条。"
        )
        for line in done:
            self.stdout.write(f"{today}：{line}")
