"""The scheduled job (`jixiao tick`) started by hand as a background job (kind "tick").

The performance office runs it from the alert list ("立即运行定时检查") when it will not wait
for cron: the same work as the command (late-report alerts M07, funds suspended for alerts
past their disposal deadline, and the later stages' registered timed work, `core.ticks`), in
one transaction, as a job of the office's user. The work itself covers every region, as the
command's does (it is due anyway, and safe to repeat); the job's result counts only what it
did within the user's scope, so it never shows more than the user could see. The command
`jixiao tick` stays in the foreground.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core import jobs, locks
from jixiao.core.ticks import run_ticks
from jixiao.core.views import role_required
from jixiao.orgs.models import Role

from .models import Alert
from .tick import tick


def tick_job(job, progress) -> dict:
    """`tick` and the registered timed work at the job's day; what it did in the user's scope."""
    today = dt.date.fromisoformat(job.params["today"])
    started = timezone.now()
    progress(0, 2)
    try:
        tick(today=today)
    except locks.Busy:
        raise jobs.JobError(_("另一个定时任务正在运行，本次未执行，请稍后再试。")) from None
    progress(1, 2)
    now = timezone.now()
    if today != timezone.localdate():  # as `jixiao tick --today`: at the end of that day
        now = timezone.make_aware(dt.datetime.combine(today, dt.time.max))
    run_ticks(now)
    progress(2, 2)
    visible = Alert.objects.visible_to(job.user)
    return {
        "today": today.isoformat(),
        "late_report_alerts": visible.filter(code="M07", raised_at__gte=started).count(),
        "suspended": visible.filter(
            status=Alert.Status.SUSPENDED, suspended_at__gte=started
        ).count(),
    }


def tick_summary(result: dict) -> str:
    return _(
        "%(d)s：在您的范围内新增逾期未报预警 %(m)s 条，暂停资金的预警 %(s)s 条；"
        "问卷到期结束、整改提醒等其他定时工作已一并运行。"
    ) % {"d": result["today"], "m": result["late_report_alerts"], "s": result["suspended"]}


tick_job.summary = tick_summary
jobs.register("tick", tick_job, label=gettext_lazy("定时检查"))


@require_POST
@role_required(Role.PERFORMANCE)
def tick_start(request):
    """Run the scheduled job now, as a job of the performance office's user (POST)."""
    params = {"today": timezone.localdate().isoformat()}
    return jobs.start_and_follow(request, kind="tick", params=params)
