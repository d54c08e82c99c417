"""A print of a page is logged as an export:
page.js posts the page to /print/ on the browser's `beforeprint`, under the Content-Security-
Policy, and the audit log gets one `export` entry of kind `print` naming the page and its query."""

import pytest

pytestmark = pytest.mark.browser


def test_printing_a_page_writes_one_print_entry(session_as):
    from jixiao.core.models import AuditLog

    performance = session_as("performance")
    performance.goto("/dashboard/?year=2022")
    performance.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for _ in range(50):
        if AuditLog.objects.filter(action="export", object_type="print").exists():
            break
        performance.wait_for_timeout(100)
    (entry,) = AuditLog.objects.filter(action="export", object_type="print")
    assert entry.object_repr == "/dashboard/" and entry.actor_name == "performance"
    assert entry.after["filter"]["year"] == "2022"
