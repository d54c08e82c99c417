"""The review history block (`{% review_history %}`) shows each step's time to the minute in the
current time zone, as the `date` filter it replaced did, and the transition's label."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.template import engines
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from jixiao.core.models import TransitionLog

BLOCK = '{% load jixiao %}{% review_history d note="targets/_history_grades.html" %}'


def test_each_step_shows_its_local_minute_and_its_label(world, declare):
    target = declare()
    late = dt.datetime(2022, 3, 1, 15, 59, 30, tzinfo=dt.UTC)  # 23:59 in Shanghai
    log = TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        transition="submit",
        source="ready",
        target="submitted",
        actor=world.filer,
        data={"grades": {"overall": "优"}},
    )
    TransitionLog.objects.filter(pk=log.pk).update(created_at=late)
    with translation.override("zh-hans"):
        html = engines["django"].from_string(BLOCK).render({"d": target})
        label = str(
            next(t.label for t in target.review_workflow().transitions if t.name == "submit")
        )
    assert "<td>2022-03-01 23:59</td>" in html
    assert f"<td>{date_filter(timezone.localtime(late), 'Y-m-d H:i')}</td>" in html
    assert f"<td>{label}</td>" in html
    assert "评级" in html  # the note still drawn for the step


def test_no_steps_shows_the_empty_row(world, declare):
    with translation.override("zh-hans"):
        html = engines["django"].from_string(BLOCK).render({"d": declare()})
    assert "尚无流转记录。" in html
