"""A self-evaluation printed on portrait A4 (718 px between the margins): its tables stay within
the page, for the filer and for the reviewer whose page carries the 审核调整 forms (on paper
those forms are not drawn; the adjusted scores and reasons are)."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser

GOOD = {"overall": "优"}
A4 = 718


@pytest.fixture
def in_review(world, declare):
    from jixiao.evaluations.services import review_adjust
    from jixiao.targets.services import target_transition
    from jixiao.testing import selfeval_submitted

    target = target_transition(actor=world.filer, target=declare(), name="complete")
    target = target_transition(actor=world.leader, target=target, name="submit", attest=True)
    target = target_transition(actor=world.business, target=target, name="pass", grades=GOOD)
    target_transition(actor=world.budget, target=target, name="approve", grades=GOOD)
    selfeval = selfeval_submitted(world, world.projects["P1"])
    review_adjust(
        actor=world.business,
        selfeval=selfeval,
        position=5,
        score_value=Decimal("8"),
        reason="满意度调查样本不足，按样本比例扣分",
    )
    return selfeval


def overflow(page) -> list[str]:
    """The tables (and the page) wider than the paper."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('main table'), document.documentElement]
            .filter(e => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > width + 1)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + '/' + e.scrollWidth)""",
        A4,
    )


@pytest.mark.parametrize("who", ["filer", "business"])
def test_the_self_evaluation_prints_within_portrait_a4(session_as, in_review, who):
    page = session_as(who)
    page.goto(f"/evaluations/{in_review.id}/")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4, "height": 1000})
    assert overflow(page) == []
    assert "满意度调查样本不足，按样本比例扣分" in page.inner_text("main")
