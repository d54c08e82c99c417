"""Two people, one form: a save over someone else's newer save is stopped and shown, not lost.

An edit form carries the stamp of the document it was drawn from (`stamp`, its `updated_at`) in
a hidden field `loaded`. When the form comes back and the document has been saved since (by a
colleague, in another tab, through the API), its save is refused: the view shows the form
again with what was typed, and with the new stamp, so a second save, made knowingly, goes
through. A form posted without the field (a script, an older page) is not checked.

A form that edits a *part* of a document whose `updated_at` is the wrong stamp (a key
evaluation's framework is rows of their own; its work plan and the unit's response share the
evaluation's `updated_at` with every other save of it) passes `part`: the part's stored content
as the form draws it (a text, rows of values). Its stamp is a short digest of that content, so
any other save of the part changes it and saves of the rest of the document do not; the message
then has no time to give. A form drawn before its document existed carries `NEW`.

The comparison is made by the service, on the row it has just read under its lock (`check`,
with the posted stamp): two saves posted at the same instant from one version take turns on
that lock, and the second sees the first's save and is refused (`Overwritten`, a
ValidationError: nothing is written). A view shows its message over what was typed and draws
the form again with the newer save's stamp (`restamp`, or `Overwritten.stamp` for a part).
"""

import hashlib
import json

from django.core.exceptions import ValidationError
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


class Overwritten(ValidationError):
    """A save over a newer save than the form's, found under the save's lock: nothing was
    written. `stamp` is the newer save's stamp, `saved` the row as read under the lock (None
    for a part)."""

    def __init__(self, message: str, *, stamp: str, saved=None) -> None:
        super().__init__(message, code="overwritten")
        self.stamp, self.saved = stamp, saved


def check(document, loaded: str | None, *, part=_WHOLE) -> None:
    """For a service, right after its locked read of `document` (None: none exists yet), with
    the stamp the form was drawn with (`loaded`: None or empty, not checked): raise
    `Overwritten` when the document (or the part) has been saved since."""
    loaded = (loaded or "").strip()
    now = stamp(document, part=part)
    if not loaded or document is None or loaded == now:
        return
    if part is not _WHOLE:
        message = _(
            "这张表在您打开之后已被修改。您填写的内容在下面，还没有保存：请核对后再次保存，"
            "保存后以您的内容为准。"
        )
        raise Overwritten(message, stamp=now)
    at = timezone.localtime(_saved_at(document)).strftime("%Y-%m-%d %H:%M")
    message = _(
        "这张表在您打开之后已被修改（%(at)s 保存）。您填写的内容在下面，还没有保存：请核对后"
        "再次保存，保存后以您的内容为准。"
    ) % {"at": at}
    raise Overwritten(message, stamp=now, saved=document)


def posted(data) -> str | None:
    """The stamp a posted form carries (None without the field: a script, an older page)."""
    return data.get(FIELD)


def restamp(document, refusal: Exception):
    """The view's document as the form is drawn again after `refusal`: after `Overwritten`,
    carrying the newer save's stamp (the row read under the lock when the view had none);
    otherwise as it is."""
    if not isinstance(refusal, Overwritten) or refusal.saved is None:
        return document
    if document is None:
        return refusal.saved
    for name in ("updated_at", "created_at"):
        if hasattr(refusal.saved, name):
            setattr(document, name, getattr(refusal.saved, name))
    return document
