"""What a reviewer typed into a refused step's form, kept for the page the step goes back to.

A step refused (a return without its reason, an unticked attestation) redirects to the
document's page with the error; without this the comment and the grades typed there were lost.
"""

#: The session key of what a reviewer typed into a refused step's form (`keep_review_draft`).
REVIEW_DRAFT = "jixiao.review_draft"
#: What is not kept: the token, the button, and the attestation, which is ticked anew each time.
_NOT_KEPT = {"csrfmiddlewaretoken", "transition", "attest"}


def keep_review_draft(request, back: str) -> None:
    """A refused step (a return without its reason, an unticked attestation) goes back to the
    document's page: keep what the reviewer typed there (the comment, a stage's extra fields
    such as the grades) for the next drawing of that page's 办理 card (`review_draft`), so a
    long reason is not typed twice."""
    fields = {k: v for k, v in request.POST.items() if k not in _NOT_KEPT and v}
    if fields:
        request.session[REVIEW_DRAFT] = {"path": back.split("?")[0], "fields": fields}


def review_draft(request) -> dict:
    """The fields kept by `keep_review_draft` for this page, taken once: a page drawn after it
    (here or elsewhere) starts empty again."""
    draft = request.session.pop(REVIEW_DRAFT, None) if hasattr(request, "session") else None
    if draft and draft.get("path") == request.path:
        return draft["fields"]
    return {}
