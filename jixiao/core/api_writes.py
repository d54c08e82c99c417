"""The shared parts of the API's writes (CONTRACT.md: `POST /api/v1/<kind>` creates, `PUT
/api/v1/<kind>/<id>` replaces, accepting the representation GET returns).

A write goes through the same service as the page; what the service refuses answers 422 with
`{"detail", "errors": [{"path", "code", "message"}]}`, each `path` in the request body's terms
(`indicators[3].weight`, `initial.current`). An object or a reference out of the caller's scope
answers 404 (as a read does), a step the caller's role may not take 403.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja import Status

from . import edit_stamp
from .api import ERRORS, ErrorOut, current_etag, error, if_match_tags
from .numbers import typed_decimal

#: What a write may answer besides the errors every route may: 400 a body that is not JSON,
#: 404 out of scope, 409 a document that cannot be changed in its state, 412 a stale If-Match.
WRITE_ERRORS = (400, 404, 409, 412)


def write_answers(ok, *errors: int, created: bool = False) -> dict:
    """A write's `response=`: `ok` with 200 (and 201 for a create), the error shape otherwise."""
    oks = {200: ok, 201: ok} if created else {200: ok}
    return oks | {code: ErrorOut for code in sorted({*ERRORS, *WRITE_ERRORS, *errors})}


def problem(path: str, message: str, code: str = "invalid") -> dict:
    return {"path": path, "code": code, "message": str(message)}


def rejected(errors: list[dict], detail: str | None = None) -> Status:
    return Status(422, error(detail or _("数据校验未通过。"), errors))


def service_errors(
    exc: ValidationError,
    paths: Mapping[str, str] | Callable[[str], str] | None = None,
    default: str = "",
) -> list[dict]:
    """A service's ValidationError as located problems: each field of its dict at the body's
    path for it (`paths`, a mapping or a function; the field's own name otherwise), plain
    messages at `default`."""
    paths = paths or {}
    where = paths if callable(paths) else (lambda field: paths.get(field, field))
    if hasattr(exc, "error_dict"):
        return [
            problem(where(field), message, getattr(exc, "code", None) or "invalid")
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [problem(default, message, exc.code or "invalid") for message in exc.messages]


def number(value, path: str, errors: list[dict], *, places: int | None = None) -> Decimal | None:
    """A decimal sent as a string or a number (None when empty), held to `places` decimals
    when given (money is stored with 6, so "20.5" is the stored 20.500000 and saving it again
    changes nothing); a value that is not a number adds a problem at `path`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        # A string as a person types it (core.numbers): "1,234.5" is 1234.5, "12,5" is refused.
        result = typed_decimal(value) if isinstance(value, str) else Decimal(str(value))
    except (ValueError, InvalidOperation):
        result = None
    if result is None or not result.is_finite():
        errors.append(problem(path, _("“%(v)s”不是数字。") % {"v": value}, "not_a_number"))
        return None
    if places is not None and result == result.quantize(Decimal(1).scaleb(-places)):
        result = result.quantize(Decimal(1).scaleb(-places))
    return result


def not_found_problem(path: str, what: str, value) -> dict:
    return problem(
        path,
        _("找不到%(what)s“%(v)s”，或不在您的权限范围内。") % {"what": what, "v": value},
        "not_found",
    )


def edit_refusal(workflow, document, user) -> Status | None:
    """Why `user` may not change `document` now, as the answer: 403 when they are not its
    editor, 409 when its state or a lock keeps it from changing; None when they may."""
    refusal = workflow.edit_problem(document, user)
    if refusal is None:
        return None
    if isinstance(refusal, ValidationError):
        return Status(
            409,
            error(_("现在不能修改该文档。"), [problem("", m, "state") for m in refusal.messages]),
        )
    return Status(403, error(str(refusal)))


#: The stamp of a write whose `If-Match` no longer matches once the route has read its
#: document (`loaded_of`): no document has it, so the service refuses the write.
GONE = "if-match-gone"


def loaded_of(request, document) -> str | None:
    """The stamp a write with a matching `If-Match` was based on, for its service's `loaded=`
    (core/edit_stamp.py): the document as this request read it. The API's own writers of one
    object take turns on its lock (`JixiaoAPI._check_if_match`), but a page's save does not
    take that lock: one that commits after this read and before the service's locked read
    refuses the write (412, `save_with_external_id`), as it refuses a form drawn before it.
    One that committed between the If-Match check and this read is in the document read, so
    its stamp would pass: the tag is asked again after the read, and when the client's version
    is gone the stamp is `GONE`, which the service refuses the same way.
    Without `If-Match` None: the write replaces whatever is there, as before."""
    if document is None or not getattr(request, "if_matched", False):
        return None
    read = edit_stamp.stamp(document)
    tags = if_match_tags(request) or []
    if "*" not in tags and current_etag(request) not in tags:
        return GONE
    return read


def save_with_external_id(
    save, external_id: str | None, *, refused
) -> tuple[object, Status | None]:
    """Run `save()`, a service call that returns the saved object, and give that object the
    budget system's identifier sent (None: left as it is; "": cleared), in one transaction.
    Returns (object, None), or (None, the answer): 412 when the document was saved since the
    write's `If-Match` was checked (`loaded_of`), else 422 for the service's ValidationError
    located by `refused(exc)` or an identifier another object of the region holds at
    `external_id`."""
    try:
        with transaction.atomic():
            saved = save()
            if external_id is not None and saved.external_id != (external_id or None):
                saved.external_id = external_id or None
                saved.save()
    except edit_stamp.Overwritten:
        message = _("该对象在您读取之后已被修改（If-Match 已过期），未写入：请重新读取后再写。")
        return None, Status(412, error(message))
    except ValidationError as exc:
        return None, rejected(refused(exc))
    except IntegrityError:
        message = _("该外部系统标识已被本区划的另一同类对象使用。")
        return None, rejected([problem("external_id", message, "taken")])
    return saved, None


def put_lines_document(
    document, user, workflow, *, parse, lines: str, save, external_id, refused_at: str, answer
):
    """PUT of a document filled line by line (a monitoring report, a self-evaluation table):
    refused as `edit_refusal` says; `parse(errors)` reads the body into (values, lines sent),
    noting problems in `errors`; every stored line must be sent (`check_lines` at `lines`);
    then `save(values)` with the budget system's identifier (`save_with_external_id`), a
    service refusal located at `refused_at`. Answers 200 with `answer(saved)`."""
    refusal = edit_refusal(workflow, document, user)
    if refusal is not None:
        return refusal
    errors: list[dict] = []
    values, sent = parse(errors)
    check_lines(errors, lines, document.indicators.count(), sent)
    if errors:
        return rejected(errors)
    saved, refusal = save_with_external_id(
        lambda: save(values),
        external_id,
        refused=lambda exc: [problem(refused_at, m) for m in exc.messages],
    )
    if refusal is not None:
        return refusal
    return Status(200, answer(saved))


def check_lines(errors: list[dict], path: str, stored: int, sent: int) -> None:
    """A report's or table's lines are sent all, in GET's order: a problem in `errors` when
    not."""
    if stored != sent:
        message = _("请按原顺序逐一填写全部 %(n)s 个指标（收到 %(m)s 个）。") % {
            "n": stored,
            "m": sent,
        }
        errors.append(problem(path, message, "count"))
