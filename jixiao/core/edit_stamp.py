"""Two people, one form: a save over someone else's newer save is stopped and shown, not lost.

An edit form carries the stamp of the document it was drawn from (`stamp`, its `updated_at`) in
a hidden field `loaded`. When the form comes back and the document has been saved since (by a
colleague, in another tab, through the API), `changed_since` says so: the view shows the form
again with what was typed, and with the new stamp, so a second save, made knowingly, goes
through. A form posted without the field (a script, an older page) is not checked.

A form that edits a *part* of a document whose `updated_at` is the wrong stamp (a key
evaluation's framework is rows of their own; its work plan and the unit's response share the
evaluation's `updated_at` with every other save of it) passes `part`: the part's stored content
as the form draws it (a text, rows of values). Its stamp is a short digest of that content, so
any other save of the part changes it and saves of the rest of the document do not; the message
then has no time to give. A form drawn before its document existed carries `NEW`.
"""

import hashlib
import json

from django.utils import timezone
from django.utils.translation import gettext as _

FIELD = "loaded"
#: The stamp of a form drawn before its document existed: a colleague's first save is newer.
NEW = "new"
_WHOLE = object()


def _saved_at(document):
    """Its last save: `updated_at`, or `created_at` of a version kept and never changed (a key
    evaluation's report is edited into a new version: the form's stamp is the latest's)."""
    return getattr(document, "updated_at", None) or getattr(document, "created_at", None)


def _digest(part) -> str:
    text = json.dumps(part, ensure_ascii=False, sort_keys=True, default=str)
    return "part-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def stamp(document, *, part=_WHOLE) -> str:
    """The stamp of the document as it is now: its last save, to the microsecond (`NEW` for
    none yet); with `part`, the digest of that part's content."""
    if part is not _WHOLE:
        return _digest(part)
    if document is None:
        return NEW
    updated = _saved_at(document)
    return updated.isoformat() if updated else ""


def changed_since(document, posted, *, part=_WHOLE) -> str | None:
    """The message for a form drawn before the document's (or the part's) last save, or None."""
    loaded = (posted.get(FIELD) or "").strip()
    if not loaded or document is None or loaded == stamp(document, part=part):
        return None
    if part is not _WHOLE:
        return _(
            "这张表在您打开之后已被修改。您填写的内容在下面，还没有保存：请核对后再次保存，"
            "保存后以您的内容为准。"
        )
    at = timezone.localtime(_saved_at(document)).strftime("%Y-%m-%d %H:%M")
    return _(
        "这张表在您打开之后已被修改（%(at)s 保存）。您填写的内容在下面，还没有保存：请核对后"
        "再次保存，保存后以您的内容为准。"
    ) % {"at": at}
