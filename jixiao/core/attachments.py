"""Supporting files (佐证材料) on any document, through one mechanism (DOMAIN.md §4.5).

A file is accepted only when its content matches an allowed type (the extension alone proves
nothing) and it is within the size limit; a zip-based one (docx, xlsx, pptx, ofd) also within
the limits of what it inflates to (a zip bomb is refused before anything is stored). Files are
stored under their SHA-256, never under the name a user gave them, and identical content once:
a second attachment of the same bytes shares the first one's stored file. A document's app decides whether its files may change now (an editable
document) through the `can_change` argument; reading follows the document's scope.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .compiled import KeyedQuery
from .models import Attachment

MAX_BYTES = getattr(settings, "JIXIAO_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# extension → (mime type, check of the first bytes / the content)
ZIP_KINDS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/", "ofd": "OFD.xml"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TYPES = {
    "pdf": ("application/pdf", lambda b: b.startswith(b"%PDF-")),
    "png": ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    "doc": ("application/msword", lambda b: b.startswith(OLE)),
    "xls": ("application/vnd.ms-excel", lambda b: b.startswith(OLE)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", None),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", None),
    "ofd": ("application/ofd", None),
}


def _zip_has(data: bytes, marker: str) -> bool:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return False
    return any(n.startswith(marker) or n.endswith(marker) for n in names)


def _check_inflated_size(data: bytes) -> None:
    """Refuse an archive that inflates past the configured total or ratio
    (JIXIAO_ATTACHMENT_MAX_UNZIPPED_BYTES, JIXIAO_ATTACHMENT_MAX_ZIP_RATIO). The sizes an
    archive declares may lie, so its members are inflated, in chunks, only up to the limit."""
    limit = min(
        settings.JIXIAO_ATTACHMENT_MAX_UNZIPPED_BYTES,
        max(
            len(data) * settings.JIXIAO_ATTACHMENT_MAX_ZIP_RATIO,
            settings.JIXIAO_ATTACHMENT_ZIP_RATIO_FLOOR,
        ),
    )
    refusal = ValidationError(
        _("文件解压后过大（超过 %(n)s MB 或压缩比超过 %(r)s 倍），可能是恶意构造的文件，已拒绝。")
        % {
            "n": settings.JIXIAO_ATTACHMENT_MAX_UNZIPPED_BYTES // 1048576,
            "r": settings.JIXIAO_ATTACHMENT_MAX_ZIP_RATIO,
        }
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if sum(m.file_size for m in members) > limit:
            raise refusal
        inflated = 0
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    inflated += len(chunk)
                    if inflated > limit:
                        raise refusal
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ValidationError(_("文件已损坏，无法读取其中的内容。")) from None
    except NotImplementedError:  # a compression method zipfile does not know
        raise ValidationError(_("文件使用了不支持的压缩方式，无法检查其内容。")) from None


def check_file(name: str, data: bytes) -> str:
    """The file's MIME type, or ValidationError saying why it is refused."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = "、".join(sorted(TYPES))
    if extension not in TYPES:
        raise ValidationError(
            _("不支持的文件类型“%(e)s”，可上传：%(a)s。") % {"e": extension, "a": allowed}
        )
    if not data:
        raise ValidationError(_("文件是空的。"))
    check_upload_size(len(data))
    mime, check = TYPES[extension]
    ok = _zip_has(data, ZIP_KINDS[extension]) if check is None else check(data)
    if not ok:
        raise ValidationError(
            _("文件内容与扩展名“%(e)s”不符，可能已损坏或被改了扩展名。") % {"e": extension}
        )
    if check is None:
        _check_inflated_size(data)
    return mime


def check_upload_size(size: int | None) -> None:
    """Refuse an upload over the size limit before it is read."""
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("文件超过 %(n)s MB 上限。") % {"n": MAX_BYTES // 1048576})


@transaction.atomic
def attachment_add(
    *,
    obj,
    name: str,
    data: bytes,
    actor,
    kind: str = Attachment.Kind.OTHER,
    description: str = "",
    can_change: bool,
) -> Attachment:
    if not can_change:
        raise PermissionDenied(_("当前状态下不能修改佐证材料。"))
    mime = check_file(name, data)
    if kind not in Attachment.Kind.values:
        kind = Attachment.Kind.OTHER
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        kind=kind,
        name=name[-255:],
        description=description[:300],
        size=len(data),
        mime=mime,
        sha256=digest,
        uploaded_by=actor,
        document_status=getattr(obj, "status", ""),
    )
    stored = (
        Attachment.objects.filter(sha256=digest)
        .exclude(file="")
        .order_by()
        .values_list("file", flat=True)
        .distinct()
    )
    same = next((name for name in stored if attachment.file.storage.exists(name)), None)
    if same is not None:  # identical content is stored once
        attachment.file.name = same
    else:
        attachment.file.save(digest, ContentFile(data), save=False)
    attachment.save()
    audit.record(
        action="create",
        instance=obj,
        actor=actor,
        message=_("上传佐证材料：%(n)s") % {"n": attachment.name},
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor, can_change: bool) -> None:
    """Mark a file removed; it stays stored and listed in the document's history."""
    if not can_change:
        raise PermissionDenied(_("当前状态下不能修改佐证材料。"))
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    audit.record(
        action="update",
        instance=attachment,
        actor=actor,
        message=_("移除佐证材料：%(n)s") % {"n": attachment.name},
    )


def attachments_of(obj, *, include_removed: bool = False):
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("uploaded_by")
    return rows if include_removed else rows.filter(removed_at__isnull=True)


def attachments_listed(obj) -> list[Attachment]:
    """Every file of `obj`, removed ones included, with its uploader, as `attachments_of(obj,
    include_removed=True)` gives them: what every document's page lists (its 佐证材料 card),
    and every review step that leads to one, by SQL compiled once a process (building the
    query through the ORM cost more CPU than the database's answer, usually no row)."""
    content_type = ContentType.objects.get_for_model(type(obj))
    return _LISTED.all(content_type.pk, obj.pk)


_LISTED = KeyedQuery(
    lambda content_type_id, object_id: Attachment.objects.filter(
        content_type_id=content_type_id, object_id=object_id
    ).select_related("uploaded_by"),
    30001,
    30002,
)


def attachment_for_user(*, pk: int, user) -> Attachment:
    """The attachment if its document is visible to the user; 404 otherwise."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    model = attachment.content_type.model_class()
    if not model.objects.visible_to(user).filter(pk=attachment.object_id).exists():
        raise Http404
    return attachment
