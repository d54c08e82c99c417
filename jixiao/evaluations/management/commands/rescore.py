"""`jixiao rescore --region R --year Y`: the performance office's tool after a rulebook change.
Re-scores every self-evaluation of projects of year Y in region R and below, each by the rulebook
in force for its region and year (`rescoring.selfevals_rescore`), with a progress bar on a
terminal; prints how many were re-scored and how many changed grade."""

from django.utils.translation import gettext as _

from jixiao.core.commands import JixiaoCommand, os_account
from jixiao.core.progress import progress


class Command(JixiaoCommand):
    help = "按现行规则重新评分一个地区某年度的全部项目自评表"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--region", required=True, help=_("区划代码，如 360102"))
        parser.add_argument("--year", required=True, help=_("项目年度，如 2021"))

    def handle(self, *args, **options):
        from jixiao.evaluations.models import SelfEvaluation
        from jixiao.evaluations.rescoring import selfevals_rescore
        from jixiao.orgs.models import Region

        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            self.fail(_("找不到区划“%(code)s”。") % {"code": options["region"]})
        text = options["year"]
        if not (text.isdigit() and len(text) == 4):
            self.fail(_("年度应为四位数字，如 2021：%(text)s") % {"text": text})
        year = int(text)
        selfevals = SelfEvaluation.objects.filter(region__path__startswith=region.path, year=year)
        before = dict(selfevals.values_list("id", "grade"))
        if not before:
            self.fail(
                _("区划“%(code)s”（%(name)s）没有 %(year)s 年度项目的自评表，无需重新评分。")
                % {"code": region.code, "name": region.name, "year": year}
            )
        bar = progress([], total=len(before), desc=_("重新评分"), quiet=options["quiet"])

        def advance(done: int, total: int) -> None:
            bar.total, bar.n = total, done
            bar.refresh()

        try:
            count = selfevals_rescore(
                actor=os_account(), region=region, year=year, progress=advance
            )
        finally:
            bar.close()
        after = dict(selfevals.values_list("id", "grade"))
        changed = sum(after.get(pk) != grade for pk, grade in before.items())
        self.stdout.write(
            _(
                "已按现行规则重新评分 %(region)s %(year)s 年度项目自评表 %(n)s 份，其中 %(changed)s 份等级改变。"
            )
            % {"region": region.name, "year": year, "n": count, "changed": changed}
        )
