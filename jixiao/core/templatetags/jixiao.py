"""Display of money: 2 decimals with thousands separators in lists and summaries (DESIGN.md),
all 6 stored decimals where a figure is read on its own (detail pages); the blocks every
document page shares: supporting files, the review actions and the review history."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings

register = template.Library()

#: The label of a field's choice, by (model field, value, language): a list row's
#: `get_status_display` rebuilt the field's choices and translated the label on every call
#: (a tenth of a review queue's CPU). The choices are declared in code and never change while
#: the process runs.
_LABELS: dict[tuple, str] = {}


@register.filter
def choice_label(row, field_name: str) -> str:
    """`{{ t|choice_label:"status" }}`: what `get_status_display` shows, looked up once."""
    from django.utils.translation import get_language

    field = row._meta.get_field(field_name)
    value = getattr(row, field.attname)
    key = (field, value, get_language())
    label = _LABELS.get(key)
    if label is None:
        if len(_LABELS) >= 5000:
            _LABELS.clear()
        label = _LABELS[key] = getattr(row, f"get_{field_name}_display")()
    return label


def _format(value, places: int, trim: bool) -> str:
    if value is None or value == "":
        return "—"
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{number:,.{places}f}"
    if trim and "." in text:
        head, tail = text.split(".")
        tail = tail.rstrip("0").ljust(2, "0")
        text = f"{head}.{tail}"
    return text


@register.filter
def money(value) -> str:
    return _format(value, 2, trim=False)


@register.filter
def money6(value) -> str:
    return _format(value, 6, trim=True)


@register.filter
def money_input(value) -> str:
    """A stored amount for an input box: no separators, trailing zeros trimmed (437.60)."""
    if value is None or value == "":
        return ""
    try:
        text = f"{Decimal(value):f}"
    except ArithmeticError:  # a refused value typed by the user: show it back as it was
        return str(value)
    if "." in text:
        head, tail = text.split(".")
        text = f"{head}.{tail.rstrip('0').ljust(2, '0')}"
    return text


@register.filter
def percent(value) -> str:
    """A rate (fraction) as a percentage with 2 decimals, half up: 0.58082 → 58.08%."""
    if value is None or value == "":
        return "—"
    number = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if hasattr(value, "denominator") and not isinstance(value, int)
        else Decimal(value)
    )
    return f"{(number * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


@register.inclusion_tag("core/_attachments.html", takes_context=True)
def attachments_section(context, document):
    """The supporting files of any document, with an upload form when the user may add."""
    from jixiao.core.attachments import attachments_listed
    from jixiao.core.models import Attachment

    request = context["request"]
    return {
        "request": request,
        "document": document,
        "label": document._meta.label_lower,
        "files": attachments_listed(document),
        "can_attach": document.attachments_editable_by(request.user),
        "file_kinds": Attachment.Kind.choices,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("core/_review_actions.html", takes_context=True)
def review_actions(context, document, url_name: str, extra: str = ""):
    """The 办理 card of a reviewable document: the transitions the user may take now (the
    workflow's `available`), the attestation box when one needs it, posted to the stage's
    transition view `url_name`. `extra` is a template included inside the form (grades)."""
    from django.urls import reverse

    from jixiao.core.review_draft import review_draft

    request = context["request"]
    workflow = document.review_workflow()
    transitions = workflow.available(document, request.user)
    return {
        "transitions": transitions,
        "typed": review_draft(request),
        "action": reverse(url_name, args=[document.pk]),
        "needs_attest": any(t.attest for t in transitions),
        "refusals": any(t.needs_comment and not t.is_return for t in workflow.transitions),
        "extra": extra,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("core/_review_history.html")
def review_history(document, note: str = ""):
    """The review history (审核记录) of a document from the transition log; `note` is a
    template that adds to each step's comment (targets' review grades)."""
    from jixiao.core.workflow import history_rows

    rows = history_rows(document, document.review_workflow())
    for row in rows:
        # what `|date:"Y-m-d H:i"` shows (the time in the current time zone), made here: the
        # filter's format machinery was a tenth of drawing a long history
        row["at_text"] = _minute(row["at"])
        row["action"] = str(row["action"])  # a lazy label, else translated again at each use
    return {"history": rows, "note": note}


def _minute(at) -> str:
    if at is None:
        return ""
    from django.utils import timezone

    if settings.USE_TZ and timezone.is_aware(at):
        at = timezone.localtime(at)
    return f"{at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}"


@register.filter
def edit_stamp(document) -> str:
    """`<input type="hidden" name="loaded" value="{{ doc|edit_stamp }}">`: core/edit_stamp.py."""
    from jixiao.core.edit_stamp import stamp

    return stamp(document)


#: The arrow a sortable header shows: the order drawn (ascending, descending) or, on the
#: other columns, that one may sort by it.
_ARROWS = {"ascending": "▲", "descending": "▼", None: "↕"}


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label, css: str = "", first: str = ""):
    """`{% sort_header "amount" _("资金总额") "num" %}`: the `<th>` of a column the list sorts
    by (core/sorting.py, the page's `sorting`): a link to this page sorted by it, or reversed
    when it is the order drawn already; the other query parameters kept, the page number
    dropped (a new order starts at page 1). The order drawn is told by `aria-sort` and an arrow
    the screen reader skips. The first click sorts a number column ("num": amounts, scores)
    biggest first, as an office reads them, and any other ascending; `first="desc"` or
    `first="asc"` says otherwise (counts of alerts or findings)."""
    from django.utils.html import format_html

    request = context["request"]
    sort = context.get("sorting")
    current = sort is not None and sort.key == key
    state = ("descending" if sort.descending else "ascending") if current else None
    params = request.GET.copy()
    for name in ("page", "export"):
        params.pop(name, None)
    descending_first = first == "desc" or (not first and "num" in css.split())
    if state is None:
        params["sort"] = f"-{key}" if descending_first else key
    else:
        params["sort"] = f"-{key}" if state == "ascending" else key
    href = f"{request.path}?{params.urlencode()}"
    classes = f"sortable {css}".strip()
    aria = format_html(' aria-sort="{}"', state) if state else ""
    return format_html(
        '<th class="{}"{}><a href="{}">{}<span class="sort-arrow" aria-hidden="true">{}</span>'
        "</a></th>",
        classes,
        aria,
        href,
        label,
        _ARROWS[state],
    )


@register.simple_tag(takes_context=True)
def sort_field(context):
    """A list's filter form keeps the order asked for: `{% sort_field %}` inside the form."""
    from django.utils.html import format_html

    sort = context.get("sorting")
    if sort is None or not sort.explicit:
        return ""
    return format_html('<input type="hidden" name="sort" value="{}">', sort.param)
