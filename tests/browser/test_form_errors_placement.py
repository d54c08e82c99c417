"""A refused form's error sits with its own field: Django's as_p draws a field's errors before
the field's paragraph, and with the browser's list margins the error read as belonging to the
field above it (the fund-action form's 这个字段是必填项 under the field above the one it meant)."""

import pytest

pytestmark = pytest.mark.browser


def test_a_missing_reason_is_shown_against_the_reason_not_the_field_above(session_as, world):
    office = session_as("performance")
    office.set_viewport_size({"width": 1366, "height": 768})
    office.goto("/fund-actions/new/")
    office.fill("input[name=year]", "2021")
    office.fill("input[name=project]", "NOPE")
    office.fill("input[name=amount]", "1")
    # the reason left empty, and the browser's own check off: the server's message is the one
    # every browser shows (an old one, or a form posted again after the page was kept open)
    office.evaluate("document.querySelector('main form[method=post]').noValidate = true")
    office.locator("main form[method=post] button.primary").click()
    office.wait_for_load_state()
    error = office.locator("main form[method=post] > ul.errorlist#id_reason_error")
    error_box = error.bounding_box()
    # the paragraph the error belongs to (the reason's) and the one before it (the date's)
    own = office.locator("p", has=office.locator("textarea[name=reason]")).bounding_box()
    above = office.locator("p", has=office.locator("input[name=date]")).bounding_box()
    gap_to_own = own["y"] - (error_box["y"] + error_box["height"])
    gap_to_above = error_box["y"] - (above["y"] + above["height"])
    assert 0 <= gap_to_own < gap_to_above
