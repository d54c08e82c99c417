"""Demo unit assessment (部门预算绩效管理工作考核, DOMAIN.md §8.3).

Work year 2021 (complete): `perf` computes the assessment of the district's 67 first-level
units from their 2021 records (`assessment_service.assessments_compute`: the 2021 declarations
and monitoring, the evaluations done in 2021 of the 2020 projects, the 2021 key evaluations and
rectifications, deadlines judged as of 31 December 2021), then adds one documented adjustment:
the `unit` persona's 教育体育局 gets 2 points for the district's pilot of whole-unit evaluation
(a bureau document of early 2022), and the ranking is redone. It runs after the rectification
and linkage steps, so the rectifications closed on time and the overdue ones count.

The live year 2022 has no assessment: its year is not over. Running the step again recomputes
and keeps the one adjustment.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.results.assessment_service import assessment_adjust, assessments_compute
from jixiao.results.models import UnitAssessment

from . import district as d

YEAR = 2021
ADJUSTMENT = (
    Decimal("2"),
    "承担全区部门整体支出绩效评价试点，按时完成试点任务并形成可推广经验，按考核办法加分。",
    "东财绩〔2022〕3号",
)


def build_assessment(demo) -> None:
    perf = demo.users["perf"]
    assessments_compute(actor=perf, region=demo.region, year=YEAR)
    points, reason, number = ADJUSTMENT
    assessment = UnitAssessment.objects.get(unit=demo.units[d.PERSONA_UNIT], year=YEAR)
    if assessment.adjustments.filter(document_number=number).exists():
        return  # built before: the computation above kept the adjustment
    assessment_adjust(
        actor=perf, assessment=assessment, points=points, reason=reason, document_number=number
    )
