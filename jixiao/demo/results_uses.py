"""Demo result uses (结果应用情况, DOMAIN.md §8.2).

Work year 2021 (complete), recorded by the performance office through the service
(`results.result_uses.result_use_save`):

- every archived **key evaluation** of 2021 fed back to the evaluated unit and tied to the
  budget; two of them (chosen by the seeded random source) also reported to the district
  government, and one of those two reported to the 人大 with the leaders' instruction;
- every confirmed **self-evaluation** of 2020 whose grade stands at 中 or 差 (the reviewer's
  grade where there is one, else the rules') fed back and tied to the budget.

The other results of 2021 stay unrecorded, so the list's "not yet recorded" filter has rows. The
live year gets none: the offices record their own. Idempotent: a district that has 2021 uses is
left as it is. No money and no figure of the 2021 summary changes.
"""

from __future__ import annotations

from django.db.models import Q

from jixiao.evaluations.key.models import KeyEvaluation, KeyStatus
from jixiao.evaluations.models import EvaluationStatus, SelfEvaluation
from jixiao.results.models import ResultUse
from jixiao.results.result_uses import result_use_save

YEAR = 2021
LOW_GRADES = ("中", "差")
INSTRUCTION = (
    "区政府分管领导批示：评价发现的问题要逐项整改到位，评价结果作为下年度预算安排的重要依据。"
)
NOTE = "已印发评价结果反馈意见，并在编制下年度预算时按结果调整安排。"


def build_uses(demo) -> None:
    if ResultUse.objects.filter(region=demo.region, year=YEAR).exists():
        return
    actor = demo.users["perf"]
    keys = list(
        KeyEvaluation.objects.filter(
            region=demo.region, year=YEAR, status=KeyStatus.ARCHIVED
        ).order_by("pk")
    )
    reported = demo.rng.sample(keys, min(2, len(keys)))
    for key in keys:
        flags = {"fed_back": True, "tied_to_budget": True, "note": NOTE}
        if key in reported:
            flags["reported_to_government"] = True
        if reported and key == reported[0]:
            flags |= {"reported_to_congress": True, "instruction": INSTRUCTION}
        result_use_save(actor=actor, result=key, **flags)
    low = SelfEvaluation.objects.filter(
        region=demo.region, year=YEAR - 1, status=EvaluationStatus.CONFIRMED
    ).filter(Q(reviewed_grade__in=LOW_GRADES) | Q(reviewed_grade="", grade__in=LOW_GRADES))
    for selfeval in low.order_by("pk"):
        result_use_save(actor=actor, result=selfeval, fed_back=True, tied_to_budget=True)
