"""The job list sorts by its columns (core/sorting.py): the time submitted both ways, the
latest first by default, the status; only the user's own jobs, sorted or not."""

import datetime

from django.utils import timezone

from jixiao.core.models import Job
from jixiao.testing import listed_ids

URL = "/jobs/?sort="


def test_the_jobs_sort_by_time_submitted_and_status(world, client_for):
    at = timezone.make_aware(datetime.datetime(2022, 5, 1, 9))
    made = []
    for hours, status in ((2, "done"), (0, "failed"), (5, "running")):
        job = Job.objects.create(user=world.filer, kind="export", params={}, status=status)
        Job.objects.filter(pk=job.pk).update(created_at=at + datetime.timedelta(hours=hours))
        made.append(job.pk)
    first, second, third = made
    Job.objects.create(user=world.budget, kind="export", params={})  # not the filer's
    client = client_for("filer")
    assert listed_ids(client, URL + "created", "/jobs/") == [second, first, third]
    assert listed_ids(client, URL + "-created", "/jobs/") == [third, first, second]
    assert listed_ids(client, "/jobs/", "/jobs/") == [third, first, second]
    assert listed_ids(client, URL + "status", "/jobs/") == [first, second, third]
    assert listed_ids(client, URL + "-status", "/jobs/") == [third, second, first]
    assert 'aria-sort="ascending"' in client.get(URL + "created").text
