"""What a reviewer typed into a refused step's form, kept for the page the step goes back to.

A step refused (a return without its reason, an unticked attestation) redirects to the
document's page with the error; without this the comment and the grades typed there were lost.
A page's other reviewer forms that post and go back (a self-evaluation's score adjustment and
spot check) keep what was typed the same way.
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
    (here or elsewhere) starts empty again. Every form of the one drawing reads the same
    fields (the 办理 card, and a page's own forms such as a reviewer's score adjustment), so
    they are taken from the session once a request."""
    if not hasattr(request, "session"):
        return {}
    if not hasattr(request, "_review_draft"):
        draft = request.session.pop(REVIEW_DRAFT, None)
        kept = draft and draft.get("path") == request.path
        request._review_draft = draft["fields"] if kept else {}
    return request._review_draft
