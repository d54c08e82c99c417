"""`jixiao generate --regions N`: synthetic province-scale data for benchmarks (CONTRACT.md).

A synthetic province (code 990000 by default) with N districts under cities of ten, each with
its offices, U units (about 15% level 2) kept per year, and P projects a year with amounts by
source. Rows go in with bulk inserts, so 100 districts take well under a minute; they are not
audited one by one (one audit entry records the run). Later stages extend this command with
their documents (targets and indicators, monitoring, evaluations).
"""

from __future__ import annotations

import functools
import math
import random
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jixiao.budgets.models import FiscalYear, Project, ProjectKind
from jixiao.core import audit
from jixiao.core.commands import JixiaoCommand
from jixiao.core.progress import progress
from jixiao.orgs.models import Office, Region, Role, Unit, UnitYear, User

BATCH = 2000
CENT = Decimal("0.01")

# A classic-catalogue grid that generated targets cycle through (category, subcategory, name,
# value with {n}, unit).
GRID = [
    ("产出指标", "数量指标", "完成数量", "≥{n}个", "个"),
    ("产出指标", "质量指标", "验收合格率", "≥95%", "%"),
    ("产出指标", "时效指标", "完成时间", "12月底前完成", ""),
    ("产出指标", "成本指标", "单位成本", "≤{n}万元", "万元"),
    ("效益指标", "社会效益指标", "受益人数", "≥{n}人", "人"),
    ("效益指标", "可持续影响指标", "设施使用年限", "≥{n}年", "年"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "%"),
]


class Command(JixiaoCommand):
    help = "生成省级规模的合成数据（区划、股室、单位、项目），用于性能测试"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--regions", type=int, required=True, help="区县数")
        parser.add_argument("--units", type=int, default=70, help="每个区县的单位数")
        parser.add_argument("--projects", type=int, default=400, help="每个区县每年的项目数")
        parser.add_argument(
            "--indicators",
            type=int,
            default=15,
            help="每个项目绩效目标的指标数（0 表示不生成绩效目标）",
        )
        parser.add_argument("--years", type=int, default=1, help="年度数（截至 --last-year）")
        parser.add_argument("--last-year", type=int, default=2022)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--province", default="990000", help="合成省的区划代码（99 开头）")
        parser.add_argument("--replace", action="store_true", help="先删除已有的同代码合成省")

    def handle(self, *args, **o):
        if not 1 <= o["regions"] <= 990 or o["units"] < 2 or o["projects"] < 0:
            self.fail("参数超出范围：--regions 1–990，--units 至少 2，--projects 不能为负。")
        code = o["province"]
        if len(code) != 6 or not code.startswith("99") or not code.endswith("0000"):
            self.fail("合成省代码须形如 990000（99 开头、0000 结尾），以免与真实区划冲突。")
        if Region.objects.filter(code=code).exists():
            if not o["replace"]:
                self.fail(f"区划 {code} 已存在；加 --replace 删除后重新生成。")
            delete_province(code)
        started = time.perf_counter()
        years = list(range(o["last_year"] - o["years"] + 1, o["last_year"] + 1))
        generator = Generator(
            random.Random(o["seed"]), years, o["units"], o["projects"], o["indicators"]
        )
        with transaction.atomic(), audit.audit_context(source="cli"):
            province = generator.province(code)
            districts = generator.districts(province, o["regions"])
            for district in progress(districts, desc="生成区县", quiet=o["quiet"]):
                generator.fill(district)
            audit.record(
                action="create",
                instance=province,
                message=f"合成数据：{o['regions']} 个区县，种子 {o['seed']}",
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"已生成 {o['regions']} 个区县、{generator.unit_count} 个单位、"
            f"{generator.project_count} 个项目、{generator.target_count} 个绩效目标、"
            f"{generator.indicator_count} 个指标（{len(years)} 个年度），用时 {elapsed:.1f} 秒。"
        )


def delete_province(code: str) -> None:
    """Remove a synthetic province with everything under it, children before parents."""
    prefix = f"{code}/"
    with transaction.atomic():
        from jixiao.results import models as results
        from jixiao.targets.models import Indicator, Target

        # What results made of the province's rows holds on to them (PROTECT): first.
        for model in (
            results.ResultUse,
            results.FundAction,
            results.Disclosure,
            results.UnitAssessment,
            results.LinkageProposal,
            results.Rectification,
            results.AuditFinding,
            results.ApprovalDates,
        ):
            model.objects.filter(region__path__startswith=prefix).delete()
        Indicator.objects.filter(target__region__path__startswith=prefix).delete()
        Target.objects.filter(region__path__startswith=prefix).delete()
        projects = Project.objects.filter(region__path__startswith=prefix)
        Project.kinds.through.objects.filter(project__in=projects).delete()
        projects.filter(parent__isnull=False).delete()
        projects.delete()
        User.objects.filter(region__path__startswith=prefix).delete()
        UnitYear.objects.filter(unit__region__path__startswith=prefix).delete()
        Unit.objects.filter(region__path__startswith=prefix).delete()
        Office.objects.filter(region__path__startswith=prefix).delete()
        FiscalYear.objects.filter(region__path__startswith=prefix).delete()
        for level in ("district", "city", "province"):
            Region.objects.filter(path__startswith=prefix, level=level).delete()


@functools.lru_cache(maxsize=10_000)
def _parsed(text: str, category: str, subcategory: str, year: int):
    from jixiao.indicators.values import parse_target_value

    return parse_target_value(text, category=category, subcategory=subcategory, year=year)


class Generator:
    def __init__(
        self, rng: random.Random, years: list[int], units: int, projects: int, indicators: int = 0
    ):
        self.rng, self.years = rng, years
        self.units_per_district, self.projects_per_district = units, projects
        self.indicators_per_target = indicators
        self.target_count = self.indicator_count = 0
        self.kinds = list(ProjectKind.objects.all())
        self.special = next(k for k in self.kinds if k.code == "special_fund")
        self.unit_count = self.project_count = 0

    def province(self, code: str) -> Region:
        province = Region.objects.create(code=code, name="合成省", level=Region.Level.PROVINCE)
        user = User(
            username=f"gen-{code}-budget",
            full_name="合成省预算处",
            region=province,
            roles=[Role.BUDGET, Role.PERFORMANCE, Role.AUDITOR],
            password_changed_at=timezone.now(),
        )
        user.set_unusable_password()
        user.save()
        return province

    def districts(self, province: Region, count: int) -> list[Region]:
        base = province.code[:2]
        districts = []
        for c in range(math.ceil(count / 10)):
            city = Region.objects.create(
                code=f"{base}{c + 1:02d}00",
                name=f"合成市{c + 1}",
                level=Region.Level.CITY,
                parent=province,
            )
            for d in range(min(10, count - c * 10)):
                districts.append(
                    Region(
                        code=f"{base}{c + 1:02d}{d + 1:02d}",
                        name=f"合成区{c * 10 + d + 1}",
                        level=Region.Level.DISTRICT,
                        parent=city,
                        path=f"{city.path}{base}{c + 1:02d}{d + 1:02d}/",
                    )
                )
        return Region.objects.bulk_create(districts, batch_size=BATCH)

    def fill(self, district: Region) -> None:
        FiscalYear.objects.bulk_create([FiscalYear(region=district, year=y) for y in self.years])
        offices = Office.objects.bulk_create(
            [
                Office(region=district, code="YS", name="预算股", kind=Office.Kind.BUDGET),
                Office(region=district, code="JX", name="绩效办", kind=Office.Kind.PERFORMANCE),
                *[
                    Office(
                        region=district, code=f"YW{i}", name=f"业务{i}股", kind=Office.Kind.BUSINESS
                    )
                    for i in range(1, 4)
                ],
            ]
        )
        business = offices[2:]
        units = Unit.objects.bulk_create(
            [
                Unit(region=district, code=f"{i + 1:03d}", name=f"{district.name}单位{i + 1:03d}")
                for i in range(self.units_per_district)
            ]
        )
        self.unit_count += len(units)
        level1_count = max(1, round(len(units) * 0.85))
        structure = [
            (
                u,
                None if i < level1_count else self.rng.choice(units[:level1_count]),
                self.rng.choice(business),
            )
            for i, u in enumerate(units)
        ]
        UnitYear.objects.bulk_create(
            [
                UnitYear(
                    unit=u,
                    year=y,
                    name=u.name,
                    level=1 if parent is None else 2,
                    parent=parent,
                    office=office,
                )
                for y in self.years
                for u, parent, office in structure
            ],
            batch_size=BATCH,
        )
        for year in self.years:
            self._projects(district, units, year)

    def _projects(self, district: Region, units: list[Unit], year: int) -> None:
        rng = self.rng
        rows = []
        for i in range(self.projects_per_district):
            full = Decimal(str(round(rng.lognormvariate(5.0, 1.0), 2)))
            carry = (full * Decimal("0.2")).quantize(CENT) if rng.random() < 0.3 else Decimal(0)
            rows.append(
                Project(
                    region=district,
                    year=year,
                    code=f"{year}-{i + 1:05d}",
                    name=f"合成项目{i + 1}",
                    unit=rng.choice(units),
                    initial_current=(full - carry) * Decimal("0.9"),
                    full_current=full - carry,
                    full_carryover=carry,
                )
            )
        projects = Project.objects.bulk_create(rows, batch_size=BATCH)
        self.project_count += len(projects)
        through = Project.kinds.through
        links = [
            through(
                project_id=p.id,
                projectkind_id=(self.special if rng.random() < 0.6 else rng.choice(self.kinds)).id,
            )
            for p in projects
        ]
        through.objects.bulk_create(links, batch_size=BATCH)
        if self.indicators_per_target:
            self._targets(district, projects, year)

    def _targets(self, district: Region, projects: list[Project], year: int) -> None:
        """A target per project in a realistic mix of states, with its indicator grid. Lint
        findings are left for `refresh` (the benchmark measures linting them)."""
        from jixiao.targets.models import Indicator, Target, TargetStatus

        rng = self.rng
        states = (
            [TargetStatus.APPROVED] * 5
            + [TargetStatus.SUBMITTED] * 2
            + [TargetStatus.FIRST_PASSED, TargetStatus.DRAFT, TargetStatus.READY]
        )
        targets = Target.objects.bulk_create(
            [
                Target(
                    region=district,
                    year=year,
                    unit_id=p.unit_id,
                    project=p,
                    status=rng.choice(states),
                    goal=f"完成{p.name}年度任务。",
                    amount_current=p.initial_current,
                    amount_total=p.initial_current,
                )
                for p in projects
            ],
            batch_size=BATCH,
        )
        rows = []
        for target in targets:
            for position in range(self.indicators_per_target):
                category, subcategory, name, value, unit = GRID[position % len(GRID)]
                text = value.format(n=rng.randint(1, 400))
                parsed = _parsed(text, category, subcategory, year)
                rows.append(
                    Indicator(
                        target=target,
                        position=position,
                        category=category,
                        subcategory=subcategory,
                        name=f"{name}{position // len(GRID) or ''}",
                        value_text=text,
                        operator=str(parsed.operator or ""),
                        number=parsed.number,
                        deadline=parsed.deadline,
                        unit=unit,
                    )
                )
        Indicator.objects.bulk_create(rows, batch_size=5000)
        self.target_count += len(targets)
        self.indicator_count += len(rows)
