"""Forms of the agency and expert registries (the services check and save them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.widgets import date_input
from jixiao.orgs.models import Role, Unit, User

from . import registry
from .models import Agency, AgencyEngagement, Expert

DATE = date_input()


def _accounts(users):
    return User.objects.filter(pk__in=[u.pk for u in users]).order_by("username")


class AgencyForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("登录账号"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本区划具有“第三方机构”角色的账号。"),
    )

    class Meta:
        model = Agency
        fields = [*registry.AGENCY_FIELDS]
        widgets = {
            "blacklist_from": DATE,
            "blacklist_until": DATE,
            "violation_on": DATE,
            "qualifications": forms.Textarea(attrs={"rows": 3}),
            "blacklist_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _accounts(
            registry.accounts_with_role(region, Role.AGENCY)
        )
        if self.instance.pk:
            self.initial.setdefault("members", list(self.instance.members.all()))

    def validate_unique(self):  # the service checks the code in the region
        pass


class EngagementForm(forms.ModelForm):
    class Meta:
        model = AgencyEngagement
        fields = ["unit", "year", "kind", "note"]

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(region=region).order_by("code")


class ExpertForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [*registry.EXPERT_FIELDS, "ties"]
        widgets = {"ties": forms.CheckboxSelectMultiple}

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(region=region).order_by("code")
        self.fields["employer_unit"].queryset = units
        self.fields["ties"].queryset = units
        self.fields["user"].queryset = _accounts(registry.accounts_with_role(region, Role.EXPERT))

    def validate_unique(self):  # the service checks the account
        pass
