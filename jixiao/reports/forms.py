"""Forms of the statistics stage."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.widgets import date_input

# ── policy documents (制度文件) ────────────────────────────────────────────────────────────────

# Dates as clerks write them: 2020-04-20, 2020/4/20, 2020.4.20, 2020年4月20日.
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


def _date_field(label, invalid) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        required=False,
        widget=date_input(required=True),
        error_messages={"invalid": invalid},
    )


class PolicyForm(forms.Form):
    """One entry of the registry. Fields are not `required` here: the service says what is
    missing and why, in one place for the pages, the demo and any import."""

    number = forms.CharField(
        label=_("文号"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "placeholder": "东财绩〔2020〕1号"}),
        help_text=_(
            "年份写在六角括号〔〕内；输入 [2020]、(2020)、【2020】 或全角数字均可，保存时自动规范。"
        ),
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "size": 60}),
        help_text=_("文件全称，不含书名号《》。"),
    )
    issued_on = _date_field(_("印发日期"), _("印发日期格式不正确，请按 2020-04-20 填写。"))
    issuer = forms.CharField(
        label=_("发文机关"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"required": True}),
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PolicyRepealForm(forms.Form):
    repealed_on = _date_field(_("废止日期"), _("废止日期格式不正确，请按 2021-01-01 填写。"))
    repeal_note = forms.CharField(
        label=_("废止说明"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("废止依据，如 被东财绩〔2020〕3号替代。"),
    )


class PolicyReinstateForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销废止的原因"),
        max_length=400,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "size": 60}),
    )
