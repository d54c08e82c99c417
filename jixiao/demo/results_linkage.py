"""Demo budget linkage (与预算挂钩, DOMAIN.md §8.2).

Work year 2021 (complete): from the 2021 results (the self-evaluations of the 2020 projects, the
key evaluations archived in 2021, the rectifications still open), the system proposes the 2022
amount of every continuing 2021 project (`linkage_service.proposals_generate`), and `budget`
decides them all: most accepted; a few overridden with a reason (more, or less, than proposed);
and the project with the poorest result cancelled (a cut proposal if there is one), so the
budget gate refuses its 2022 counterpart. The percentages are the rulebook's defaults.

Nothing here touches a budget, a payment or an evaluation: the 2021 figures stay as they are.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.results.linkage_service import proposal_decide, proposals_generate
from jixiao.results.models import LinkageProposal, LinkageRule

BUDGET_YEAR = 2022

#: (what the budget office changes, why): an override's share of the proposal and its reason
OVERRIDES = [
    (Decimal("1.05"), "该项目为区委区政府重点民生事项，在建议基础上适当增加"),
    (Decimal("0.90"), "项目资金结转较多，在建议基础上再压减10%"),
    (Decimal("0.95"), "绩效目标设定偏低，下年度适当压减"),
]
CANCEL_REASON = "项目评价结果为差，且实施内容已基本完成，下年度不再安排"


def build_linkage(demo) -> None:
    """The 2022 proposals from the 2021 results and the budget office's decisions."""
    budget = demo.users["budget"]
    proposals_generate(actor=budget, region=demo.region, year=BUDGET_YEAR)
    rows = list(
        LinkageProposal.objects.filter(region=demo.region, year=BUDGET_YEAR).order_by(
            "unit__code", "project__code"
        )
    )
    if not rows:
        return
    cuts = [p for p in rows if p.rule == LinkageRule.CUT]
    cancelled = cuts[0] if cuts else min(rows, key=lambda p: (p.grade or "无", p.current_amount))
    others = [p for p in rows if p.pk != cancelled.pk]
    overridden = demo.rng.sample(others, min(len(OVERRIDES), len(others)))
    proposal_decide(
        actor=budget, proposal=cancelled, accept=False, cancel=True, reason=CANCEL_REASON
    )
    for proposal, (share, reason) in zip(overridden, OVERRIDES, strict=False):
        amount = (proposal.proposed_amount * share).quantize(Decimal("0.01"))
        proposal_decide(actor=budget, proposal=proposal, accept=False, amount=amount, reason=reason)
    chosen = {p.pk for p in overridden}
    for proposal in others:
        if proposal.pk not in chosen:
            proposal_decide(actor=budget, proposal=proposal, accept=True)
