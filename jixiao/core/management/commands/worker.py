"""`jixiao worker`: run background jobs (CONTRACT.md; `jixiao serve` starts one beside the web
server, and more run on other machines that share the PostgreSQL database; docs/deploy.md).

It is django-tasks-db's `db_worker` on Jixiao's queue. With another tasks backend
(JIXIAO_TASKS_BACKEND: Celery, RQ) that backend's own workers run the jobs instead."""

from django.conf import settings
from django.core.management import call_command
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from jixiao.core.commands import JixiaoCommand


class Command(JixiaoCommand):
    help = "运行后台任务（数据库队列的工作进程）"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--batch", action="store_true", help="处理完队列中已有的任务后退出")
        parser.add_argument(
            "--interval", type=float, default=1, help="队列为空时，每隔多少秒查看一次（默认 1）"
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="运行多少个任务后退出")

    def handle(self, *args, **options):
        from django_tasks_db import DatabaseBackend

        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            self.fail(
                f"后台任务使用“{settings.TASKS['default']['BACKEND']}”，"
                "请用该队列自己的工作进程运行任务。"
            )
        worker_options = {
            "queue_name": settings.JIXIAO_TASKS_QUEUE,
            "interval": options["interval"],
            "batch": options["batch"],
            "reload": False,
            "verbosity": 0 if options["quiet"] else 1,
        }
        if options["max_tasks"] is not None:
            worker_options["max_tasks"] = options["max_tasks"]
        call_command("db_worker", **worker_options)
