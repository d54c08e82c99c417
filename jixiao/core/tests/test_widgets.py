"""A date input's value is written in ISO whatever the language: the only form the browser takes."""

import datetime

from django import forms
from django.utils import translation

from jixiao.core.widgets import date_input
from jixiao.orgs.forms import TokenForm


class _Form(forms.Form):
    day = forms.DateField(widget=date_input(required=True))


def test_a_saved_date_is_written_in_iso_in_chinese_and_in_english():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(_Form(initial={"day": datetime.date(2022, 6, 15)})["day"])
        assert 'type="date"' in html and 'value="2022-06-15"' in html and "required" in html


def test_the_token_forms_last_day_is_written_in_iso(db):
    with translation.override("zh-hans"):
        html = str(TokenForm(initial={"expires_on": datetime.date(2027, 3, 31)})["expires_on"])
    assert 'value="2027-03-31"' in html
