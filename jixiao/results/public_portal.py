"""The public disclosure portal at /public/ (DOMAIN.md §8.4, CONTRACT.md "Public pages").

No login, no JavaScript at all, nothing loaded from another host, one small stylesheet of the
site's own; the pages print cleanly and read on a phone. Only *published* records exist here:
every page, download and listing starts from `published()`, and any other id answers the same
404 to everyone (the public, signed-in staff, search engines).

- `/public/` lists the published items by year, unit and kind (GET filters), paged; its data
  is `/public/index.json`.
- `/public/disclosures/<id>/` shows one item: the table kept when it was published
  (`Disclosure.content`), and a key-evaluation report's text; the same data as
  `/public/disclosures/<id>.csv` (UTF-8 with a BOM for Excel, no formula cells) and
  `.json`; a key-evaluation report also as `.docx` (the archived version, written by the
  key-evaluation report's generator).
- `/public/sitemap.xml` lists the published items only.

Every request counts against a per-address limit (the national rulebook's "disclosure" →
`portal_rate_limit`, since the portal serves every region); over it the answer is 429.
Downloads are logged as anonymous `export` entries of the audit log (kind `public_disclosure`),
like every other download.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from functools import wraps
from xml.sax.saxutils import escape

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from jixiao.core.ratelimit import address_hash, client_address, hit
from jixiao.core.rulebook import named
from jixiao.core.tabular import safe_cell
from jixiao.core.views import download_response
from jixiao.orgs.models import Unit

from .models import Disclosure, DisclosureKind, DisclosureStatus

T = "results/public/"
PER_PAGE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORT_KIND = "public_disclosure"


def published():
    """The only records the portal knows."""
    return Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED).select_related(
        "region", "unit"
    )


def _not_found(request):
    return render(request, T + "not_found.html", status=404)


def _limit() -> dict:
    return named().section("disclosure")["portal_rate_limit"]


def portal_view(view):
    """GET (and HEAD) only, counted against the per-address limit (429 over it), and a published record's
    id or 404."""

    @require_safe
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        limit = _limit()
        address = address_hash(client_address(request)) or "none"
        if not hit(f"public:{address}", int(limit["limit"]), int(limit["seconds"])):
            response = render(request, T + "limited.html", status=429)
            response["Retry-After"] = str(limit["seconds"])
            return response
        if "pk" in kwargs:
            disclosure = published().filter(pk=kwargs.pop("pk")).first()
            if disclosure is None:
                return _not_found(request)
            return view(request, disclosure, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


# --------------------------------------------------------------------------- data


def table_rows(content: dict) -> list[list[str]]:
    """The table's rows as lists in the order of its columns."""
    keys = [c["key"] for c in content.get("columns", [])]
    return [[row.get(key, "") for key in keys] for row in content.get("rows", [])]


def table_context(content: dict) -> dict:
    """What `results/public/_table.html` needs (the portal page and the office's preview)."""
    from jixiao.evaluations.key.report import OUTLINE

    parts = (content.get("report") or {}).get("parts", {})
    return {
        "content": content,
        "table_rows": table_rows(content),
        "report_parts": [(str(heading), parts.get(key, "")) for key, heading in OUTLINE]
        if content.get("report")
        else [],
    }


def links(disclosure: Disclosure) -> dict:
    """The item's addresses on the portal (root-relative)."""
    base = f"/public/disclosures/{disclosure.pk}"
    found = {"url": f"{base}/", "csv": f"{base}.csv", "json": f"{base}.json"}
    if disclosure.kind == DisclosureKind.KEY_REPORT:
        found["docx"] = f"{base}.docx"
    return found


def item_json(disclosure: Disclosure) -> dict:
    """One item of the index."""
    return {
        "id": disclosure.pk,
        "year": disclosure.year,
        "kind": disclosure.kind,
        "kind_label": str(disclosure.get_kind_display()),
        "subject": disclosure.subject,
        "mof_div_code": disclosure.region.code,
        "mof_div_name": disclosure.region.name,
        "agency_code": disclosure.unit.code if disclosure.unit_id else "",
        "agency_name": disclosure.unit.name if disclosure.unit_id else "",
        "published_on": disclosure.published_on.isoformat() if disclosure.published_on else None,
        **links(disclosure),
    }


def disclosure_json(disclosure: Disclosure) -> dict:
    """The page's data: the item and the table (and report) kept when it was published."""
    return {**item_json(disclosure), **disclosure.content}


def _filters(request) -> dict:
    values = {name: request.GET.get(name, "").strip() for name in ("year", "unit", "kind")}
    return {
        "year": values["year"] if values["year"].isdigit() else "",
        "unit": values["unit"] if values["unit"].isdigit() else "",
        "kind": values["kind"] if values["kind"] in DisclosureKind.values else "",
    }


def listed(filters: dict):
    rows = published()
    if filters["year"]:
        rows = rows.filter(year=int(filters["year"]))
    if filters["unit"]:
        rows = rows.filter(unit_id=int(filters["unit"]))
    if filters["kind"]:
        rows = rows.filter(kind=filters["kind"])
    # The latest publications first, as a bureau's 公开 column lists them.
    return rows.order_by("-year", "-published_on", "kind", "unit__code", "pk")


# --------------------------------------------------------------------------- pages


@portal_view
def portal_index(request):
    filters = _filters(request)
    page = Paginator(listed(filters), PER_PAGE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "years": published().order_by("-year").values_list("year", flat=True).distinct(),
        "units": Unit.objects.filter(pk__in=published().values("unit_id")).order_by("code"),
        "kinds": DisclosureKind.choices,
    }
    return render(request, T + "index.html", context)


@portal_view
def portal_index_json(request):
    rows = listed(_filters(request))
    items = [item_json(d) for d in rows]
    return JsonResponse(
        {"count": len(items), "items": items}, json_dumps_params={"ensure_ascii": False}
    )


@portal_view
def portal_disclosure(request, disclosure: Disclosure):
    context = {"d": disclosure, "links": links(disclosure), **table_context(disclosure.content)}
    return render(request, T + "disclosure.html", context)


def _filename(disclosure: Disclosure, ext: str) -> str:
    return f"{disclosure.subject}.{ext}"


@portal_view
def portal_disclosure_csv(request, disclosure: Disclosure):
    content = disclosure.content
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c["key"] for c in content.get("columns", [])])
    rows = table_rows(content)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return download_response(
        request,
        data,
        _filename(disclosure, "csv"),
        "text/csv; charset=utf-8",
        kind=EXPORT_KIND,
        rows=len(rows),
    )


@portal_view
def portal_disclosure_json(request, disclosure: Disclosure):
    data = json.dumps(disclosure_json(disclosure), ensure_ascii=False, indent=1).encode("utf-8")
    response = download_response(
        request,
        data,
        _filename(disclosure, "json"),
        "application/json; charset=utf-8",
        kind=EXPORT_KIND,
        rows=len(disclosure.content.get("rows", [])),
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline", 1
    )
    return response


@portal_view
def portal_disclosure_docx(request, disclosure: Disclosure):
    """A key-evaluation report as Word: the archived version kept at publication, written by
    the report's own generator (`evaluations.key.report.report_docx`)."""
    report = disclosure.content.get("report")
    if disclosure.kind != DisclosureKind.KEY_REPORT or not report:
        return _not_found(request)
    from jixiao.evaluations.key.models import ReportVersion
    from jixiao.evaluations.key.report import report_docx

    dated = report.get("dated") or disclosure.published_on.isoformat()
    version = ReportVersion(
        evaluation=disclosure.key_evaluation,
        number=report.get("version") or 1,
        sections={
            "title": report.get("title", ""),
            "parts": report.get("parts", {}),
            "table": report.get("table", []),
            "total": report.get("total", ""),
            "grade": report.get("grade", ""),
        },
        created_at=timezone.make_aware(datetime.fromisoformat(dated)),
    )
    return download_response(
        request,
        report_docx(version),
        _filename(disclosure, "docx"),
        DOCX,
        kind=EXPORT_KIND,
        rows=None,
    )


@portal_view
def portal_sitemap(request):
    """The portal's list page and every published item, nothing else."""
    urls = [request.build_absolute_uri("/public/")]
    for disclosure in published().order_by("pk"):
        urls.append(request.build_absolute_uri(links(disclosure)["url"]))
    body = "".join(f"<url><loc>{escape(url)}</loc></url>" for url in urls)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    )
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@portal_view
def portal_robots(request):
    """What crawlers may read: the portal and nothing else (the working pages need a login
    anyway, and a questionnaire is reached from its poster, not from a search). Served at
    /robots.txt, where crawlers look, and at /public/robots.txt."""
    sitemap = request.build_absolute_uri("/public/sitemap.xml")
    text = f"User-agent: *\nAllow: /public/\nDisallow: /\nSitemap: {sitemap}\n"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
