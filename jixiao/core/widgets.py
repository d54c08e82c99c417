"""Form widgets every app repeats."""

from django import forms


def date_input(**attrs) -> forms.DateInput:
    """A date picker (`<input type="date">`) whose value is written in ISO (2022-06-15), the only
    form it takes: the localised format Django writes by default (2022/06/15 in Chinese) is
    dropped by the browser, so a saved date showed empty and saving the form again wiped it."""
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")
