"""The rule modules' messages in the reader's language (the Django side of core.rule_messages).

The pure rule modules (targets.lint, evaluations.scoring and unit_evaluation, monitoring.alerts,
indicators.values) build `Message`s: Chinese text that also carries a code and parameters. The
Chinese templates are the table `rule_messages.MESSAGES`, marked with its `gettext_noop`, so
`makemessages` puts them in the catalogue like any other string; the English text is the
catalogue's. What is stored keeps the Chinese text (the CLI/JSON contract, exports, old rows)
and, beside it, the code and parameters:

- in JSON rows (lint findings, score results and problems): `<key>_i18n` next to `<key>`;
- on a model (`monitoring.models.Alert`): a `texts_i18n` mapping of field → code and parameters.

`render_message` builds the text through gettext, so in the user's language; without a code
(old rows) or with a code no module defines any more, the stored text is shown as it is.
Templates use the filters of `{% load rule_text %}`.
"""

from collections.abc import Mapping

from django.utils.translation import gettext

from .rule_messages import Message, message_data, render

__all__ = ["localized", "render_message"]


def render_message(data, fallback: str = "") -> str:
    """`data` (a Message, or its stored code and parameters) in the active language."""
    if isinstance(data, Message):
        data, fallback = message_data(data), str(data)
    if not isinstance(data, Mapping):
        return fallback if data is None else str(data)
    try:
        return render(data, gettext)
    except (KeyError, TypeError, ValueError):
        return fallback


def localized(row, key: str) -> str:
    """The text `key` of a stored row (a JSON mapping or a model) in the active language."""
    if isinstance(row, Mapping):
        text, data = row.get(key), row.get(f"{key}_i18n")
    else:
        text, data = getattr(row, key, ""), (getattr(row, "texts_i18n", None) or {}).get(key)
    if isinstance(text, Message):
        return render_message(text)
    text = "" if text is None else str(text)
    return render_message(data, text) if data else text
