"""The forms of a page as a browser would post them, for bench/locustfile.py and
bench/page_costs.py (which post the edit pages as a person does)."""

from __future__ import annotations

from html.parser import HTMLParser

#: What opens the marker a save appends to a field (the rest of the field is kept as it was).
MARK = " 〔"
#: The reason a reviewer gives when returning a document.
RETURN_REASON = "指标值请按实际测算后重填。"
#: The overall grade the budget office gives a target it approves (the rulebook's
#: review.approvable_grades by default: 优, 良).
APPROVING_GRADE = "良"


class Forms(HTMLParser):
    """The page's forms: their attributes, fields (in order, repeated names kept) and buttons."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = self._option = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": a, "fields": [], "buttons": []})
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                form["fields"].append([name, a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "button" and name:
            form["buttons"].append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, None]
            form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = ["selected" in a, a.get("value"), ""]

    def _end_option(self):
        if self._option is None:
            return
        selected, value, text = self._option
        value = text.strip() if value is None else value
        if selected or self._select[1] is None:
            self._select[1] = value
        self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._select is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            if self._select[1] is None:
                self._select[1] = ""
            self._select = None

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
