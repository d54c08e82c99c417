"""Each stage's "待我处理" entry (`core.navigation.queue_menu_item`) shows to the roles that act on
its queue (`orgs.models.QUEUE_ROLES`: the unit that fills and submits, the offices that review
and approve), and to no one else."""

import pytest

from jixiao.core.navigation import menu_for
from jixiao.orgs.models import User

pytestmark = pytest.mark.django_db

QUEUES = {"target-queue", "report-queue", "selfeval-queue"}


def _queues(username: str) -> set[str]:
    user = User.objects.get(username=username)
    return {item.url_name for _key, _label, items in menu_for(user) for item in items} & QUEUES


@pytest.mark.parametrize("username", ["filer", "leader", "business", "budget"])
def test_the_roles_that_act_on_a_queue_see_every_stages_queue(world, username):
    assert _queues(username) == QUEUES


@pytest.mark.parametrize("username", ["performance", "auditor", "expert", "agency"])
def test_the_other_roles_see_no_queue(world, username):
    assert _queues(username) == set()
