"""Pages for signing in, units, accounts and the audit log."""

from __future__ import annotations

import time

import openpyxl
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jixiao.core import audit, edit_stamp
from jixiao.core.exports import workbook_bytes
from jixiao.core.jobs import XLSX, JobFile, file_builder
from jixiao.core.models import ApiToken, AuditLog
from jixiao.core.tabular import write_sheet
from jixiao.core.views import (
    import_page,
    list_page,
    paginate,
    role_required,
    safe_back,
    sheet_workbook,
    xlsx_response,
)

from . import selectors, services, totp
from .exports import HEADERS, WIDTHS, units_workbook
from .forms import AccountForm, PasswordForm, PasswordResetForm, TokenForm, UnitYearForm
from .importers import UnitImporter
from .models import Region, Role, Unit, UnitYear, User

MASTER_EDITORS = (Role.BUDGET, Role.PERFORMANCE)
ACCOUNT_KEEPERS = (Role.ADMIN, Role.SECURITY)  # 三员分立: services.check_duties splits the work


def safe_next(request, default: str) -> str:
    return safe_back(request, default, field="next")


def login_view(request):
    context = {
        "next": request.GET.get("next", ""),
        "username": "",
        "timed_out": request.GET.get("timeout") == "1",
    }
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        outcome = services.login_attempt(
            username=username, password=request.POST.get("password", ""), request=request
        )
        if outcome.needs_code:  # the password was right; the second factor's page asks the code
            request.session[PENDING_LOGIN] = {
                "user": outcome.user.pk,
                "at": int(time.time()),
                "next": safe_next(request, reverse("home")),
            }
            return redirect("login-code")
        if outcome.user is not None:
            return _signed_in(request, outcome, safe_next(request, reverse("home")))
        context.update(error=outcome.error, username=username, next=request.POST.get("next", ""))
        return render(request, "registration/login.html", context, status=401)
    return render(request, "registration/login.html", context)


PENDING_LOGIN = "jixiao_pending_login"
PENDING_SECONDS = 300


def login_code(request):
    """The second step of a sign-in with a second factor: the authenticator's code."""
    pending = request.session.get(PENDING_LOGIN)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_LOGIN, None)
        return redirect("login")
    error = ""
    if request.method == "POST":
        user = get_object_or_404(User, pk=pending["user"])
        outcome = services.code_attempt(
            user=user, code=request.POST.get("code", ""), request=request
        )
        if outcome.user is not None:
            del request.session[PENDING_LOGIN]
            return _signed_in(request, outcome, pending["next"])
        error = outcome.error
    return render(
        request, "registration/login_code.html", {"error": error}, status=401 if error else 200
    )


def _signed_in(request, outcome, next_url: str):
    # The second factor's user is read again, without the backend that checked its password:
    # the session names the first (settings.AUTHENTICATION_BACKENDS lists one more, for old
    # sessions).
    login(request, outcome.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    if outcome.password_expired:  # the change page says why
        response = redirect("password-change")
    else:
        response = redirect(next_url)
    if outcome.user.language:  # the account's own language follows it to any browser
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, outcome.user.language, samesite="Lax")
    return response


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record(action="logout", instance=request.user, actor=request.user)
    logout(request)
    return redirect("login")


# --- units -----------------------------------------------------------------------------------


@login_required
def unit_list(request):
    work = request.work
    return list_page(
        request,
        selector=selectors.unit_year_list,
        filters=("office", "level", "q"),
        builder=units_file,
        template="orgs/unit_list.html",
        sorts=selectors.UNIT_SORTS,
        context=lambda: {
            "offices": selectors.business_offices(region=work.region),
            "can_edit": request.user.has_role(*MASTER_EDITORS),
        },
    )


@file_builder
def units_file(user, *, region: str, year: int, **filters) -> JobFile:
    """The unit list's "导出 Excel" as `user` sees it (in the request or as a job)."""
    found = Region.objects.get_visible_or_404(user, code=region)
    rows = selectors.unit_year_list(user=user, region=found, year=year, **filters)
    data = workbook_bytes(units_workbook(rows))
    return JobFile(data, f"{region}-{year}-units.xlsx", XLSX, audit_kind="units", rows=len(rows))


@login_required
def unit_detail(request, pk: int):
    unit = Unit.objects.get_visible_or_404(request.user, pk=pk)
    history = selectors.unit_history(unit=unit)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "history": history,
            "current": next((h for h in history if h.year == request.work.year), None),
            "can_edit": request.user.has_role(*MASTER_EDITORS),
            "successions": unit.successions.select_related("successor").all(),
            "predecessions": unit.predecessions.select_related("predecessor").all(),
        },
    )


@role_required(*MASTER_EDITORS)
def unit_edit(request, pk: int | None = None):
    """Create a unit, or change it for the working year only (earlier years keep theirs)."""
    work = request.work
    editing = unit = None
    if pk is not None:
        unit = Unit.objects.get_visible_or_404(request.user, pk=pk)
        editing = UnitYear.objects.filter(unit=unit, year=work.year).first()
        if unit.region_id != work.region.id:
            raise Http404
    initial = {}
    if editing is not None:
        initial = {
            "code": editing.unit.code,
            "name": editing.name,
            "level": editing.level,
            "parent": editing.parent,
            "office": editing.office,
            "serves_public": editing.unit.serves_public,
        }
    elif pk is not None:
        initial = {"code": unit.code, "name": unit.name, "serves_public": unit.serves_public}
    form = UnitYearForm(
        request.POST or None,
        initial=initial,
        region=work.region,
        year=work.year,
        editing=editing,
        unit=unit,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.unit_year_save(
                actor=request.user,
                region=work.region,
                code=data["code"],
                year=work.year,
                name=data["name"],
                level=data["level"],
                parent=data["parent"],
                office=data["office"],
                serves_public=data["serves_public"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已保存 %(year)s 年度的单位信息。") % {"year": work.year})
            return redirect("unit-detail", pk=row.unit_id)
    return render(request, "orgs/unit_edit.html", {"form": form, "editing": editing})


@role_required(*MASTER_EDITORS)
def unit_import(request):
    work = request.work
    return import_page(
        request,
        importer=UnitImporter(actor=request.user, region=work.region),
        template_url=reverse("unit-template"),
        back_url=reverse("unit-list"),
        success_url=reverse("unit-list"),
    )


@login_required
def unit_template(request):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _("预算单位")
    example = [request.work.year, "101001", "示例局", "一级", "", "行政政法股", "是"]
    write_sheet(ws, HEADERS, [example], title=_("预算单位导入模板"), widths=WIDTHS)
    return xlsx_response(request, book, "units-template.xlsx", kind="units-template", rows=0)


# --- accounts (system admin) ---------------------------------------------------------------


@role_required(*ACCOUNT_KEEPERS)
def account_list(request):
    users = User.objects.select_related("region", "unit", "office").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
    page, query = paginate(request, users)
    return render(request, "orgs/account_list.html", {"page": page, "query": query})


@role_required(*ACCOUNT_KEEPERS)
def account_edit(request, pk: int | None = None, reset_form: PasswordResetForm | None = None):
    user = get_object_or_404(User, pk=pk) if pk else None
    if user is None and not request.user.has_role(Role.ADMIN):
        raise PermissionDenied(_("安全管理员只分配角色，不新增账号。"))
    if reset_form is not None:  # a refused password reset: this page with its errors
        form = AccountForm(instance=user, actor=request.user)
        return render(
            request,
            "orgs/account_edit.html",
            {"form": form, "account": user, "reset_form": reset_form},
            status=400,
        )
    form = AccountForm(request.POST or None, instance=user, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.ACCOUNT_FIELDS}
        try:
            services.account_save(
                actor=request.user,
                user=user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data.get("password", ""),
                **data,
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("账号已保存。"))
            return redirect("account-list")
    can_reset = (
        user is not None
        and request.user.has_role(Role.ADMIN)
        and not user.is_service
        and not user.has_role(Role.SECURITY, Role.AUDITOR)
    )
    return render(
        request,
        "orgs/account_edit.html",
        {"form": form, "account": user, "reset_form": PasswordResetForm() if can_reset else None},
    )


@role_required(Role.ADMIN)
@require_POST
def account_password(request, pk: int):
    """重设密码: the system admin's new initial password for an account, changed by its user at
    the next sign-in (services.account_password_reset)."""
    user = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.account_password_reset(
                actor=request.user, user=user, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("已为 %(name)s 重设密码；该账号下次登录须先修改密码。") % {"name": user.username},
            )
            return redirect("account-edit", pk=user.pk)
    return account_edit(request, pk=pk, reset_form=form)


@role_required(*ACCOUNT_KEEPERS)
@require_POST
def account_unlock(request, pk: int):
    services.account_unlock(actor=request.user, user=get_object_or_404(User, pk=pk))
    messages.success(request, _("账号已解锁。"))
    return redirect("account-list")


# --- profile: password and API tokens ---------------------------------------------------------


@login_required
def profile(request, token_form: TokenForm | None = None):
    new_key = request.session.pop("new_token", None)
    return render(
        request,
        "orgs/profile.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user, revoked=False).order_by("-pk"),
            "new_key": new_key,
            "token_form": token_form or TokenForm(),
        },
        status=400 if token_form else 200,
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return profile(request, token_form=form)
    token, key = ApiToken.objects.issue(request.user, **form.cleaned_data)
    audit.record(action="create", instance=token, message=_("创建 API 令牌"))
    request.session["new_token"] = key
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(action="update", instance=token, message=_("吊销 API 令牌"))
    return redirect("profile")


@login_required
def password_change(request):
    form = PasswordForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user, new_password=form.cleaned_data["new_password"]
            )
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    return render(
        request,
        "orgs/password_change.html",
        {
            "form": form,
            "reason": request.user.password_change_reason(),
            "policy": password_validators_help_texts(),
        },
    )


@login_required
def totp_enrol(request):
    """Enrol an authenticator app as the second factor: its secret, then a first right code."""
    if totp.device_of(request.user) is not None:
        return render(request, "orgs/totp_enrol.html", {"confirmed": True})
    device = totp.pending_device(request.user)
    error = ""
    if request.method == "POST":
        if totp.confirm(device, request.POST.get("code", "")):
            messages.success(request, _("双因素认证已启用。"))
            return redirect("home")
        error = _("验证码不正确。")
    return render(
        request,
        "orgs/totp_enrol.html",
        {
            "secret": device.secret,
            "uri": totp.provisioning_uri(device),
            "reason": totp.enrolment_reason(request.user),
            "error": error,
        },
    )


@role_required(*ACCOUNT_KEEPERS)
@require_POST
def totp_reset(request, pk: int):
    services.totp_reset(actor=request.user, user=get_object_or_404(User, pk=pk))
    messages.success(request, _("双因素认证已重置，该账号下次登录时重新启用。"))
    return redirect("account-edit", pk=pk)


# --- audit log (auditor) -------------------------------------------------------------------


AUDIT_FILTERS = ("q", "actor", "action", "type", "batch", "since", "until")


@role_required(Role.AUDITOR)
def audit_log(request):
    """The audit log, filtered by user, kind, object, batch and days; its "导出 Excel" gives
    the filtered entries (itself an export in the log)."""
    return list_page(
        request,
        selector=selectors.audit_log_rows,
        filters=AUDIT_FILTERS,
        builder=audit_log_file,
        template="orgs/audit_log.html",
        sorts=audit.ENTRY_SORTS,
        context=lambda: {"actions": AuditLog.Action.choices},
    )


AUDIT_HEADERS = (
    gettext_lazy("时间"),
    gettext_lazy("操作人账号"),
    gettext_lazy("动作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象"),
    gettext_lazy("说明"),
    gettext_lazy("变更"),
    gettext_lazy("来源"),
    gettext_lazy("IP 地址"),
    gettext_lazy("批次"),
)


@file_builder
def audit_log_file(user, *, region: str, year: int, **filters) -> JobFile:
    """The audit log's "导出 Excel" as `user` (an auditor) reads it, filtered as on the page."""
    from django.utils import timezone

    rows = selectors.audit_log_rows(user=user, **filters)
    entries = rows[0 : rows.count()]
    data = [
        [
            f"{timezone.localtime(e.created_at):%Y-%m-%d %H:%M:%S}",
            e.actor_name,
            e.get_action_display(),
            e.object_type,
            e.object_repr,
            e.message,
            "\n".join(f"{k}: {b} → {a}" for k, b, a in e.changed_fields())
            if e.action == "update"
            else "",
            e.source,
            e.ip or "",
            str(e.batch),
        ]
        for e in entries
    ]
    book = sheet_workbook(
        sheet=_("审计日志"),
        headers=[str(h) for h in AUDIT_HEADERS],
        rows=data,
        title=_("审计日志"),
        widths=[20, 14, 10, 22, 36, 36, 48, 8, 16, 38],
    )
    name = f"audit-log-{timezone.localdate():%Y%m%d}.xlsx"
    return JobFile(workbook_bytes(book), name, XLSX, audit_kind="audit-log", rows=len(data))


# --- rulebook (performance office keeps it; DOMAIN.md §3) ----------------------------------


def _with_base_labels(versions, bases) -> list:
    """The versions, each with its base's name in the reader's language (`base_label`)."""
    rows = list(versions)
    for row in rows:
        row.base_label = bases.get(row.base, row.base)
    return rows


@role_required(Role.PERFORMANCE, Role.BUDGET, Role.AUDITOR)
def rulebook_page(request):
    """The rules in force for the working region and year, their versions, and (for the
    performance office) a form that saves the region's changes as a new version."""
    import json

    from jixiao.core import rulebook
    from jixiao.core.models import Rulebook

    work = request.work
    if work.region is None:
        raise Http404
    codes = work.region.lineage_codes
    error = ""
    can_edit = request.user.has_role(Role.PERFORMANCE)
    own = rulebook.latest_versions([work.region.code], work.year)
    # the form's edit stamp (core/edit_stamp.py) is the region's newest version: versions are
    # never changed, so a colleague's save since the form was drawn is a newer version
    latest = own[0] if own else None
    draft = json.dumps(latest.values if latest else {}, ensure_ascii=False, indent=2)
    typed = {"base": "", "note": ""}  # what the form shows besides the draft
    if request.method == "POST" and can_edit:
        draft = request.POST.get("values", "")
        typed = {key: request.POST.get(key, "") for key in typed}
        try:
            values = json.loads(draft or "{}")
            if not isinstance(values, dict):
                raise ValueError
        except ValueError:
            error = _('规则须为 JSON 对象，例如 {"catalogue": {"name": "classic"}}。')
        if not error:
            try:
                rulebook.rulebook_save(
                    region_code=work.region.code,
                    year=work.year,
                    values=values,
                    actor=request.user,
                    note=typed["note"][:300],
                    base=typed["base"] or rulebook.NATIONAL,
                    loaded=edit_stamp.posted(request.POST),
                )
            except rulebook.RulebookError as exc:
                error = str(exc)
            except edit_stamp.Overwritten as exc:
                error, latest = exc.message, exc.saved  # the form's new stamp: the newer version
            else:
                messages.success(request, _("已保存为新版本；以前的版本和据此算出的结果保持不变。"))
                return redirect("rulebook")
    rules = rulebook.rules_for(codes, work.year)
    typed["base"] = typed["base"] or rules.base
    return render(
        request,
        "orgs/rulebook.html",
        {
            "rules": rules,
            "sections": {
                k: json.dumps(v, ensure_ascii=False, indent=2) for k, v in rules.values.items()
            },
            "versions": _with_base_labels(
                Rulebook.objects.filter(region_code__in=codes, year=work.year).select_related(
                    "created_by"
                ),
                rulebook.BASES,
            ),
            "bases": rulebook.BASES,
            "can_edit": can_edit,
            "draft": draft,
            "typed": typed,
            "loaded": edit_stamp.stamp(latest),
            "error": error,
        },
        status=400 if error else 200,
    )


@role_required(*MASTER_EDITORS)
@require_POST
def unit_succession(request, pk: int):
    unit = Unit.objects.get_visible_or_404(request.user, pk=pk)
    year = request.POST.get("year", "")
    try:
        services.unit_succession_record(
            actor=request.user,
            predecessor=unit,
            successor_code=request.POST.get("successor", "").strip(),
            year=int(year) if year.isdigit() else request.work.year,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已记录机构沿革。"))
    return redirect("unit-detail", pk=unit.pk)
