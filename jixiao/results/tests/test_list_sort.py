"""The rectification, fund action, linkage proposal and disclosure lists sort by their columns
(core/sorting.py): the due date, the number, the amounts and the dates both ways, an empty
value last, the export in the page's order, scope unchanged."""

import datetime
import io
from decimal import Decimal

import openpyxl

from jixiao.results.models import Disclosure, FundAction, LinkageProposal, Rectification
from jixiao.testing import listed_ids
from jixiao.testing_pages import _disclosure, _fund_action, _linkage_proposal, _rectification


def test_the_rectifications_sort_by_due_date_and_the_export_follows(world, client_for):
    first, second, third = (_rectification(world, i).pk for i in (0, 1, 2))
    Rectification.objects.filter(pk=second).update(due=None)  # no due date yet: last
    client = client_for("performance")
    url = "/rectifications/?year=2022&sort="
    assert listed_ids(client, url + "due", "/rectifications/") == [first, third, second]
    assert listed_ids(client, url + "-due", "/rectifications/") == [third, first, second]
    assert listed_ids(client, url + "-number", "/rectifications/") == [third, second, first]
    exported = client.get("/rectifications/export.xlsx?year=2022&sort=-number")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    numbers = [c for row in sheet.iter_rows(values_only=True) for c in row if str(c)[:4] == "ZG-T"]
    assert numbers == ["ZG-T002", "ZG-T001", "ZG-T000"]
    assert listed_ids(client_for("other"), url + "-due", "/rectifications/") == []


def fund_action_ids(client, url: str) -> list[int]:
    """The fund actions a list shows, top to bottom (each row links its action twice)."""
    return list(dict.fromkeys(listed_ids(client, url, "/fund-actions/")))


def test_the_fund_actions_sort_by_amount_and_date_and_the_export_follows(world, client_for):
    first, second, third = (_fund_action(world, i).pk for i in (0, 1, 2))
    for pk, amount, day in ((first, "10.5", 15), (second, "200", 3), (third, "3.25", 15)):
        FundAction.objects.filter(pk=pk).update(
            amount=Decimal(amount), date=datetime.date(2022, 6, day)
        )
    client = client_for("budget")
    url = "/fund-actions/?sort="
    assert fund_action_ids(client, url + "-amount") == [second, first, third]
    assert fund_action_ids(client, url + "amount") == [third, first, second]
    assert fund_action_ids(client, url + "date") == [second, third, first]
    assert fund_action_ids(client, "/fund-actions/") == [first, third, second]  # latest first
    exported = client.get(url + "amount&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    codes = [row[0] for row in sheet.iter_rows(values_only=True) if str(row[0])[:5] == "F2022"]
    assert codes == ["F2022-U1-02", "F2022-U1-00", "F2022-U1-01"]
    assert fund_action_ids(client_for("other"), url + "-amount") == []


def test_the_linkage_proposals_sort_by_amounts_and_the_export_follows(world, client_for):
    first, second, third = (_linkage_proposal(world, i).pk for i in (0, 1, 2))
    for pk, proposed, decided in (
        (first, "95", "90"),
        (second, "120.5", None),
        (third, "60", "70"),
    ):
        LinkageProposal.objects.filter(pk=pk).update(
            proposed_amount=Decimal(proposed), decided_amount=decided and Decimal(decided)
        )
    client = client_for("budget")
    url = "/linkage/?year=2022&sort="
    assert listed_ids(client, url + "-proposed", "/linkage/") == [second, first, third]
    assert listed_ids(client, url + "proposed", "/linkage/") == [third, first, second]
    assert listed_ids(client, url + "-decided", "/linkage/") == [first, third, second]
    assert listed_ids(client, url + "decided", "/linkage/") == [third, first, second]
    assert listed_ids(client, "/linkage/?year=2022", "/linkage/") == [first, second, third]
    exported = client.get(url + "-proposed&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    codes = [row[1] for row in sheet.iter_rows(values_only=True) if str(row[1])[:5] == "L2021"]
    assert codes == ["L2021-U1-01", "L2021-U1-00", "L2021-U1-02"]
    assert listed_ids(client_for("other"), url + "-proposed", "/linkage/") == []


def test_the_disclosures_sort_by_deadline_and_date_published_both_ways(world, client_for):
    first, second, third = (_disclosure(world, i).pk for i in (0, 1, 2))
    for pk, due, published in ((first, 20, 18), (second, 5, None), (third, 28, 1)):
        Disclosure.objects.filter(pk=pk).update(
            due=datetime.date(2022, 3, due),
            published_on=published and datetime.date(2022, 3, published),
        )
    client = client_for("performance")
    url = "/disclosures/?sort="
    assert listed_ids(client, url + "due", "/disclosures/") == [second, first, third]
    assert listed_ids(client, url + "-due", "/disclosures/") == [third, first, second]
    assert listed_ids(client, url + "published", "/disclosures/") == [third, first, second]
    assert listed_ids(client, url + "-published", "/disclosures/") == [first, third, second]
    assert listed_ids(client, "/disclosures/", "/disclosures/") == [first, second, third]
    page = client.get(url + "-due&status=pending").content.decode()
    assert 'aria-sort="descending"' in page and 'name="sort" value="-due"' in page
    assert listed_ids(client_for("other"), url + "-due", "/disclosures/") == []
