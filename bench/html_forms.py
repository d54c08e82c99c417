"""The forms of a page as a browser would post them, for bench/locustfile.py and
bench/page_costs.py (which post the edit pages as a person does)."""

from __future__ import annotations

import lxml.html

#: What opens the marker a save appends to a field (the rest of the field is kept as it was).
MARK = " 〔"
#: The reason a reviewer gives when returning a document.
RETURN_REASON = "指标值请按实际测算后重填。"
#: The overall grade the budget office gives a target it approves (the rulebook's
#: review.approvable_grades by default: 优, 良).
APPROVING_GRADE = "良"


class Forms:
    """The page's forms: their attributes, fields (in order, repeated names kept) and buttons,
    as a browser posts them: a checkbox or radio button only when checked, a select's selected
    option (else its first), a textarea's text. Read with lxml's HTML parser (C), which costs
    the load test's client a sixth of the CPU of the standard library's parser (about 4 ms an
    edit page on the 2-core server): the client shares that server with what it measures."""

    def __init__(self, html: str):
        self.forms: list[dict] = []
        if not html.strip():
            return
        for form in lxml.html.fromstring(html).iter("form"):
            fields: list[list[str]] = []
            buttons: list[tuple[str, str]] = []
            for element in form.iter("input", "button", "textarea", "select"):
                name = element.get("name")
                if not name:
                    continue
                if element.tag == "input":
                    kind = element.get("type", "text")
                    if kind in ("checkbox", "radio") and element.get("checked") is None:
                        continue
                    if kind not in ("submit", "button", "file"):
                        default = "on" if kind == "checkbox" else ""
                        fields.append([name, element.get("value", default)])
                elif element.tag == "button":
                    buttons.append((name, element.get("value", "")))
                elif element.tag == "textarea":
                    fields.append([name, element.text or ""])
                else:
                    fields.append([name, _selected(element)])
            self.forms.append({"attrs": dict(form.attrib), "fields": fields, "buttons": buttons})

    def find(self, **wanted) -> dict | None:
        for form in self.forms:
            if all(test(form["attrs"].get(key, "")) for key, test in wanted.items()):
                return form
        return None


def edit_fields(
    html: str, kind: str, field: str, marker: str, then: str = ""
) -> list[tuple[str, str]] | None:
    """The fields of a target's or a report's edit form as posted, `field` carrying `marker`
    in place of any earlier one, and the button `then` ("save", "complete") if given; None when
    the page has no such form."""
    form = Forms(html).find(
        method=lambda m: m.lower() == "post",
        **(
            {"id": lambda i: i == "declaration"}
            if kind == "target"
            else {"class": lambda c: "edit" in c}
        ),
    )
    if form is None:
        return None
    fields = []
    for name, value in form["fields"]:
        if name == field:
            value = f"{value.split(MARK)[0].strip()}{marker}"
        fields.append((name, value))
    if then:
        fields.append(("then", then))
    return fields


def transition_data(kind: str, name: str, comment: str = "") -> dict[str, str]:
    """The 办理 form's fields for a transition: a return's reason, a target's overall grade on
    final approval (refused without one)."""
    data = {"transition": name, "attest": "1"}
    if comment:
        data["comment"] = comment
    if kind == "target" and name == "approve":
        data["grade_overall"] = APPROVING_GRADE
    return data


def _selected(select) -> str:
    """A select's value as posted: its last option marked selected, else its first option (an
    option's value, else its text)."""
    value = None
    for option in select.iter("option"):
        given = option.get("value")
        given = option.text_content().strip() if given is None else given
        if option.get("selected") is not None or value is None:
            value = given
    return "" if value is None else value
