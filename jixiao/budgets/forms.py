from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jixiao.core.numbers import typed_decimal
from jixiao.orgs.models import Unit

from .models import FUNDING_SOURCES, MONEY, STAGES, Project, ProjectKind


class TypedMoneyField(forms.DecimalField):
    """An amount read as a person types it (core.numbers), like the declaration, the monitoring
    report and the imports: "1,234.5" is 1234.5, "12,5" is refused naming the field."""

    def to_python(self, value):
        try:
            return typed_decimal(value)
        except ValueError:
            raise ValidationError(
                gettext("%(f)s“%(v)s”不是数字。") % {"f": self.label, "v": str(value).strip()},
                code="invalid",
            ) from None


class ProjectForm(forms.Form):
    """A project with its amounts laid out like the official table: rows are funding sources,
    columns are 年初预算 and 全年预算 (万元, up to 6 decimals)."""

    code = forms.CharField(label=_("项目编码"), max_length=64)
    name = forms.CharField(label=_("项目名称"), max_length=300)
    unit = forms.ModelChoiceField(label=_("预算单位"), queryset=Unit.objects.none())
    kinds = forms.ModelMultipleChoiceField(
        label=_("项目类别"), queryset=ProjectKind.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    parent = forms.ModelChoiceField(
        label=_("一级项目"), queryset=Project.objects.none(), required=False
    )
    multi_year = forms.BooleanField(label=_("跨年度项目"), required=False)
    serves_public = forms.BooleanField(label=_("有服务对象"), required=False, initial=True)
    description = forms.CharField(
        label=_("项目概况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, units, parents, editing: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["parent"].queryset = parents
        if editing is not None:
            self.fields["code"].disabled = True
        for stage, stage_label in STAGES:
            for src, src_label in FUNDING_SOURCES:
                self.fields[f"{stage}_{src}"] = TypedMoneyField(
                    label=f"{stage_label}·{src_label}",
                    min_value=0,
                    required=False,
                    max_digits=MONEY["max_digits"],
                    decimal_places=MONEY["decimal_places"],
                    localize=False,
                    # named for screen readers: the grid shows only the row and the column
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "aria-label": f"{stage_label}·{src_label}"}
                    ),
                )

    def money_rows(self):
        """[(source label, initial field, full field)] for the template's money grid."""
        return [
            (label, self[f"initial_{src}"], self[f"full_{src}"]) for src, label in FUNDING_SOURCES
        ]

    def amounts(self) -> dict:
        return {
            f"{stage}_{src}": self.cleaned_data.get(f"{stage}_{src}")
            for stage, _s in STAGES
            for src, _l in FUNDING_SOURCES
        }
