"""Forms of the survey builder: the survey's facts, one question, a channel, codes to generate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question, QuestionKind, Survey

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title",
            "intro",
            "opens_at",
            "closes_at",
            "population",
            "target_sample",
            "needs_code",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DATETIME,
            "closes_at": DATETIME,
        }


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=300)
    options = forms.CharField(
        label=_("选项（每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("单选、多选和受访者类别题填写；五级量表题的选项固定。"),
    )
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    counts = forms.BooleanField(
        label=_("计入满意度"), required=False, help_text=_("仅五级量表题可计入满意率。")
    )

    @classmethod
    def of(cls, question: Question) -> QuestionForm:
        return cls(
            initial={
                "kind": question.kind,
                "text": question.text,
                "options": "\n".join(question.options or []),
                "required": question.required,
                "counts": question.counts,
            }
        )

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class ChannelForm(forms.Form):
    name = forms.CharField(
        label=_("渠道名称"), max_length=50, help_text=_("如：海报、短信、微信群")
    )
    tag = forms.CharField(label=_("标识"), max_length=20, help_text=_("字母或数字，如 poster"))


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("生成数量"), min_value=1, max_value=5000)
