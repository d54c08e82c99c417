"""The policy register sorts by its columns (core/sorting.py): the issue date and the date
repealed both ways (those in force last), the default latest first; its export keeps the order
of issue (序号) unless the page is sorted, then follows the page."""

import datetime
import io

import openpyxl

from jixiao.reports.models import PolicyDocument
from jixiao.testing import listed_ids
from jixiao.testing_pages import _policy

URL = "/policies/?sort="


def exported_numbers(client, url: str) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active
    return [row[1] for row in sheet.iter_rows(values_only=True) if str(row[1]).startswith("甲财绩")]


def test_the_policies_sort_by_issue_and_repeal_dates_and_the_export_follows(world, client_for):
    made = [_policy(world, i) for i in range(3)]
    for policy, issued, repealed in zip(made, (5, 20, 1), (None, 30, 10), strict=True):
        PolicyDocument.objects.filter(pk=policy.pk).update(
            issued_on=datetime.date(2022, 3, issued),
            repealed_on=repealed and datetime.date(2022, 4, repealed),
        )
    first, second, third = (p.pk for p in made)
    client = client_for("performance")
    assert listed_ids(client, URL + "issued", "/policies/") == [third, first, second]
    assert listed_ids(client, URL + "-issued", "/policies/") == [second, first, third]
    assert listed_ids(client, "/policies/", "/policies/") == [second, first, third]
    assert listed_ids(client, URL + "repealed", "/policies/") == [third, second, first]
    assert listed_ids(client, URL + "-repealed", "/policies/") == [second, third, first]
    numbers = ["甲财绩〔2022〕3号", "甲财绩〔2022〕1号", "甲财绩〔2022〕2号"]  # in order of issue
    assert exported_numbers(client, "/policies/?export=xlsx") == numbers
    assert exported_numbers(client, URL + "-issued&export=xlsx") == numbers[::-1]
    assert listed_ids(client_for("other_region"), URL + "-issued", "/policies/") == []
