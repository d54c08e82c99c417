"""The rulebook page refuses a number rule that is not a number, and takes one typed as a JSON
number (found walking the office's pages: a tolerance of "abc" was saved, and from then on every
declaration's quality check in the district failed with a server error)."""

from jixiao.core.models import Rulebook
from jixiao.targets.adapters import lint_target


def post(client, values: str):
    return client.post("/rulebook/", {"values": values, "base": "national", "note": "试"})


def test_a_number_rule_that_is_not_a_number_is_refused_where_it_is(world, client_for):
    client = client_for("performance")
    response = post(client, '{"lint": {"T18": {"tolerance": "abc"}}}')
    assert response.status_code == 400
    page = response.content.decode()
    assert "规则项 lint.T18.tolerance 应为数值" in page
    assert "abc" in page  # what was typed stays in the box
    assert not Rulebook.objects.exists()


def test_a_number_typed_without_quotes_is_kept_exact_as_text(world, client_for, declare):
    client = client_for("performance")
    response = post(client, '{"lint": {"T18": {"tolerance": 0.25, "money_unit": "万元"}}}')
    assert response.status_code == 302
    assert Rulebook.objects.get().values["lint"]["T18"]["tolerance"] == "0.25"
    lint_target(declare())  # the rule reads as a Decimal again


def test_a_wrong_kind_of_value_is_named_in_words_not_python_types(world, client_for):
    client = client_for("performance")
    page = post(client, '{"review": {"approvable_grades": "优"}}').content.decode()
    assert "规则项 review.approvable_grades 的类型应为列表" in page
    assert "list" not in page.split("规则项")[1][:40]


def test_a_grade_or_formula_that_does_not_exist_is_refused_where_it_is(world, client_for):
    """A list of grades is checked item by item: "甲" among the approvable grades would have
    refused every approval in the district from then on."""
    client = client_for("performance")
    response = post(client, '{"review": {"approvable_grades": ["优", "甲"]}}')
    assert response.status_code == 400
    page = response.content.decode()
    assert "规则项 review.approvable_grades 的“甲”不是可用的值（可用：优、良、中、差）" in page
    assert not Rulebook.objects.exists()
    for values, named in [
        ('{"linkage": {"table": {"差": {"rule": "halve", "percent": "-50"}}}}', "“halve”"),
        ('{"survey": {"formula": "median"}}', "“median”"),
        ('{"rectification": {"grades+": ["较差"]}}', "“较差”"),
    ]:
        page = post(client, values).content.decode()
        assert named + "不是可用的值" in page, values
    assert not Rulebook.objects.exists()
    assert post(client, '{"review": {"approvable_grades": ["优"]}}').status_code == 302
