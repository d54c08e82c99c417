from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from jixiao.core.phones import phone_refusal
from jixiao.core.widgets import date_input

from .models import Office, Region, Role, Unit, UnitYear, User
from .services import ACCOUNT_FIELDS, password_check


class UnitYearForm(forms.Form):
    """A unit as it stands in one year (name, level, parent, business office)."""

    code = forms.CharField(label=_("单位编码"), max_length=64)
    name = forms.CharField(label=_("单位名称"), max_length=200)
    level = forms.TypedChoiceField(
        label=_("级次"), coerce=int, choices=[(1, _("一级")), (2, _("二级"))]
    )
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False
    )
    office = forms.ModelChoiceField(
        label=_("归口股室"), queryset=Office.objects.none(), required=False
    )
    serves_public = forms.BooleanField(label=_("面向公众或服务对象"), required=False)

    def __init__(
        self,
        *args,
        region: Region,
        year: int,
        editing: UnitYear | None = None,
        unit: Unit | None = None,
        **kw,
    ):
        """`unit`: the unit whose page this is (None: 新增单位); `editing`: its row this year."""
        super().__init__(*args, **kw)
        self.region = region
        self.unit = unit or (editing.unit if editing is not None else None)
        parents = UnitYear.objects.filter(unit__region=region, year=year, level=1)
        if self.unit is not None:
            parents = parents.exclude(unit=self.unit)
            self.fields["code"].disabled = True  # a unit's code is who it is
        self.fields["parent"].queryset = Unit.objects.filter(
            id__in=parents.values("unit_id")
        ).order_by("code")
        self.fields["office"].queryset = Office.objects.filter(
            region=region, kind=Office.Kind.BUSINESS
        ).order_by("code")

    def clean_code(self):
        """新增单位 makes a new unit: a code already in the district names a unit that exists,
        which is changed on its own page (the service would otherwise save onto it)."""
        code = self.cleaned_data["code"].strip()
        if self.unit is None:
            taken = Unit.objects.filter(region=self.region, code=code).first()
            if taken is not None:
                raise forms.ValidationError(
                    _("单位编码“%(code)s”已是“%(name)s”的编码；要修改该单位，请打开它的页面。"),
                    params={"code": code, "name": taken.name},
                )
        return code


class AccountForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("新账号首次登录须修改密码；留空则不能登录，直到重设密码。"),
    )

    class Meta:
        model = User
        fields = ["username", *ACCOUNT_FIELDS]

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].disabled = True
            del self.fields["password"]
        self.fields["unit"].queryset = Unit.objects.select_related("region").order_by("code")
        if actor is not None and actor.has_role(Role.SECURITY):  # gives roles, nothing else
            for name, field in self.fields.items():
                field.disabled = name != "roles"

    def clean_username(self):
        """A login already in use is named, so the admin knows which one to change (Django's
        own message read 具有 账号 的 用户 已存在)."""
        username = self.cleaned_data["username"]
        if self.instance.pk is None and User.objects.filter(username=username).exists():
            raise forms.ValidationError(
                _("账号“%(name)s”已被使用，请换一个。"), params={"name": username}
            )
        return username

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if refusal := phone_refusal(phone):
            raise forms.ValidationError(refusal)
        return phone

    def clean_password(self):
        """Checked with the other fields, so every mistake shows at once (the service checks
        it again)."""
        password = self.cleaned_data.get("password", "")
        if password:
            validate_password(password, User(username=self.cleaned_data.get("username", "")))
        return password


class PasswordResetForm(forms.Form):
    """The system admin's new initial password for an account (accounts/<id>/password/)."""

    password = forms.CharField(label=_("新的初始密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("再次输入"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class PasswordForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput)

    def __init__(self, *args, user: User, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean(self):
        data = super().clean()
        if data.get("old_password"):  # a wrong one counts as a failed login
            refusal = password_check(
                user=self.user, password=data["old_password"], request=self.request
            )
            if refusal:
                self.add_error("old_password", refusal)
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        if data.get("new_password") and data.get("new_password") == data.get("old_password"):
            self.add_error("new_password", _("新密码不能与原密码相同。"))
        return data


class TokenForm(forms.Form):
    """A new API token on one's profile page: what it is for and how far it reaches (read-only,
    some of the API's kinds, a last day; core.models.ApiToken). Nothing chosen: full scope."""

    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：对接一体化系统")}),
    )
    read_only = forms.BooleanField(label=_("只读"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("限于对象种类（不选为全部）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=date_input())

    def __init__(self, *args, **kwargs):
        from jixiao.core.api import api_kinds

        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k, k) for k in api_kinds()]

    def clean_expires_on(self):
        from django.utils import timezone

        day = self.cleaned_data.get("expires_on")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("有效期不能早于今天。"))
        return day
