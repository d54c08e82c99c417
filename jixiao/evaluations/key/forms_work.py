"""Forms of the key-evaluation fieldwork pages: one column, phone first (labels come from the
models' verbose names)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.widgets import date_input

from .models import DataRequest, Finding, SiteVisit

DATE = date_input()


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class WorkPlanForm(forms.Form):
    text = forms.CharField(label=_("评价工作方案"), widget=_rows(12), required=False)


class DataRequestForm(forms.ModelForm):
    class Meta:
        model = DataRequest
        fields = ["item", "description", "due"]
        widgets = {"due": DATE, "description": _rows(2)}


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("单位说明"),
        widget=_rows(3),
        required=False,
        help_text=_("未能提供的资料请写明原因。"),
    )


class SiteVisitForm(forms.ModelForm):
    class Meta:
        model = SiteVisit
        fields = [
            "visited_on",
            "place",
            "latitude",
            "longitude",
            "people",
            "checked",
            "findings",
        ]
        widgets = {
            "visited_on": DATE,
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "people": _rows(2),
            "checked": _rows(3),
            "findings": _rows(3),
        }
        help_texts = {"latitude": _("可不填；照片自带的拍摄位置会另行保存。")}

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("经度和纬度须同时填写或同时不填。"))
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("latitude", _("纬度应在 -90 到 90 之间。"))
        if lon is not None and not -180 <= lon <= 180:
            self.add_error("longitude", _("经度应在 -180 到 180 之间。"))
        return data


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["level1", "indicator", "problem", "evidence", "recommendation"]
        widgets = {"problem": _rows(3), "evidence": _rows(2), "recommendation": _rows(2)}

    def __init__(self, *args, panel=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            panel.indicators.all()
            if panel is not None
            else self.fields["indicator"].queryset.none()
        )


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("单位反馈意见（交换意见）"), widget=_rows(10))
