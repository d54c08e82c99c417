"""Two people, one form: a save over someone else's newer save is stopped and shown, not lost.

An edit form carries the stamp of the document it was drawn from (`stamp`, its `updated_at`) in
a hidden field `loaded`. When the form comes back and the document has been saved since (by a
colleague, in another tab, through the API), `changed_since` says so: the view shows the form
again with what was typed, and with the new stamp, so a second save, made knowingly, goes
through. A form posted without the field (a script, an older page) is not checked.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

FIELD = "loaded"


def _saved_at(document):
    """Its last save: `updated_at`, or `created_at` of a version kept and never changed (a key
    evaluation's report is edited into a new version: the form's stamp is the latest's)."""
    return getattr(document, "updated_at", None) or getattr(document, "created_at", None)


def stamp(document) -> str:
    """The stamp of the document as it is now: its last save, to the microsecond."""
    updated = _saved_at(document)
    return updated.isoformat() if updated else ""


def changed_since(document, posted) -> str | None:
    """The message for a form drawn before the document's last save, or None."""
    loaded = (posted.get(FIELD) or "").strip()
    if not loaded or loaded == stamp(document):
        return None
    at = timezone.localtime(_saved_at(document)).strftime("%Y-%m-%d %H:%M")
    return _(
        "这张表在您打开之后已被修改（%(at)s 保存）。您填写的内容在下面，还没有保存：请核对后"
        "再次保存，保存后以您的内容为准。"
    ) % {"at": at}
