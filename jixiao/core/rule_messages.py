"""Messages of the pure rule modules: a code and parameters, with Chinese as the default text.

A pure module (DESIGN.md, Pure rules): the standard library only, so the rule modules (lint,
scoring, alerts, value parsing) can use it and still import nothing from Django.

Each rule module declares its message table once with `define({code: gettext_noop(template)})`.
The templates are Chinese `%(name)s` strings. `gettext_noop` here is a no-op of the same name as
Django's, so `makemessages` (xgettext's `gettext_noop` keyword) extracts the templates into the
English catalogue although nothing here imports Django.

A `Message` *is* its Chinese text (a `str` subclass), so the rule modules, the CLI and its JSON,
the exports and every comparison keep working with the Chinese wording exactly as before; it also
carries `code` and `params`. A parameter is user data (a name, a value as written: never
translated), a number, another `Message`, or a `Join` of such items. `message_data()` turns a
message into plain JSON (`{"code": ..., "params": {...}}`) to store beside the Chinese text, and
`render(data, translate)` builds the text again through any `translate` function: the identity
gives the Chinese text, `jixiao.core.messages` passes Django's gettext for the user's language.
Plain strings (old rows, formulas that hold no words) render as themselves.
"""

from collections.abc import Callable, Iterable, Mapping

__all__ = ["Join", "Message", "define", "gettext_noop", "message_data", "render", "texts_only"]

#: Every template by code, filled by the rule modules' `define` calls.
MESSAGES: dict[str, str] = {}


def gettext_noop(text: str) -> str:
    """Mark `text` for the catalogue (makemessages); it is returned unchanged."""
    return text


#: Separators of a `Join`, translated like the templates.
SEPARATORS = {
    "list": gettext_noop("、"),
    "clauses": gettext_noop("；"),
}


def define(table: Mapping[str, str]) -> Mapping[str, str]:
    """Register a module's templates (code → Chinese template); a code is defined once."""
    for code, template in table.items():
        if MESSAGES.setdefault(code, template) != template:
            raise ValueError(f"message code {code} defined twice with different templates")
    return table


class Message(str):
    """A message by code and parameters; as a string it is the Chinese text."""

    code: str
    params: dict

    def __new__(cls, code: str, /, **params) -> "Message":
        text = MESSAGES[code] % params
        message = super().__new__(cls, text)
        message.code, message.params = code, params
        return message

    def __reduce__(self):
        return _rebuild, (self.code, self.params)

    def to_data(self) -> dict:
        return message_data(self)


def _rebuild(code: str, params: dict) -> Message:
    return Message(code, **params)


class Join(str):
    """Items joined by a translatable separator ("list": 、, "clauses": ；)."""

    items: tuple
    sep: str

    def __new__(cls, items: Iterable, sep: str = "list") -> "Join":
        items = tuple(items)
        joined = super().__new__(cls, SEPARATORS[sep].join(str(i) for i in items))
        joined.items, joined.sep = items, sep
        return joined

    def __reduce__(self):
        return Join, (self.items, self.sep)


def message_data(value):
    """Plain JSON for a message, a join or a parameter (strings and numbers as they are)."""
    if isinstance(value, Message):
        return {"code": value.code, "params": {k: message_data(v) for k, v in value.params.items()}}
    if isinstance(value, Join):
        return {"join": value.sep, "items": [message_data(i) for i in value.items]}
    if isinstance(value, str):
        return str(value)
    return value


def render(data, translate: Callable[[str], str] = str) -> str:
    """The text of `message_data` output with each template and separator through `translate`.

    Raises KeyError for a code no module defined (the caller falls back to the stored text)."""
    if isinstance(data, Mapping) and "join" in data:
        return translate(SEPARATORS[data["join"]]).join(render(i, translate) for i in data["items"])
    if isinstance(data, Mapping):
        params = {k: render(v, translate) for k, v in data.get("params", {}).items()}
        return translate(MESSAGES[data["code"]]) % params
    return "" if data is None else str(data)


def texts_only(data):
    """Stored JSON without the `<key>_i18n` codes beside its texts: what the API and the
    exports give out, as before the codes were kept."""
    if isinstance(data, Mapping):
        return {k: texts_only(v) for k, v in data.items() if not str(k).endswith("_i18n")}
    if isinstance(data, list):
        return [texts_only(v) for v in data]
    return data
