"""Boxes of long text on browsers without `field-sizing: content`.

app.css lets a long text's box grow with its text through `field-sizing: content`, which only
Chromium 123 and later know. Many offices run browsers on older Chromium cores, where such a
box keeps its few lines and hides the rest behind a scroll bar, on screen and on paper. The
page script does the same for them. These tests make Chromium behave as such a browser: the
stylesheet is served without the property and `CSS.supports` denies it.
"""

import re

import pytest

pytestmark = pytest.mark.browser

NECESSITY = "\n".join(
    f"第{i}点：新教师培训缺口大，需按年度计划分批组织集中培训。" for i in range(1, 16)
)
OLD_BROWSER = """
  (() => {
    const supports = CSS.supports.bind(CSS);
    CSS.supports = (...args) => !String(args[0]).includes("field-sizing") && supports(...args);
  })();
"""


def as_old_browser(page) -> None:
    def without_field_sizing(route):
        css = route.fetch().text()
        route.fulfill(body=re.sub(r"field-sizing:\s*content;?", "", css), content_type="text/css")

    page.route(re.compile(r".*/app[^/]*\.css.*"), without_field_sizing)
    page.add_init_script(OLD_BROWSER)


def hidden_text(page, name: str) -> float:
    """How many pixels of the box's text are out of sight (0 when it shows whole)."""
    return page.eval_on_selector(
        f"textarea[name={name}]", "box => Math.max(0, box.scrollHeight - box.clientHeight - 1)"
    )


def test_an_old_browser_grows_a_long_text_box_as_it_is_filled(session_as):
    filer = session_as("filer")
    as_old_browser(filer)
    filer.goto("/ex-ante/new/")
    assert filer.evaluate("CSS.supports('field-sizing', 'content')") is False
    filer.fill("textarea[name=necessity]", NECESSITY)
    assert hidden_text(filer, "necessity") == 0


def test_an_old_browser_prints_a_long_text_whole(session_as):
    filer = session_as("filer")
    as_old_browser(filer)
    filer.goto("/ex-ante/new/")
    filer.fill("textarea[name=necessity]", NECESSITY)
    filer.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    filer.emulate_media(media="print")
    copy = filer.locator("textarea[name=necessity] + .print-copy")
    assert copy.is_visible() and not filer.locator("textarea[name=necessity]").is_visible()
    assert copy.inner_text().split("\n") == NECESSITY.split("\n")
    assert copy.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    filer.evaluate("window.dispatchEvent(new Event('afterprint'))")
    filer.emulate_media(media="screen")
    assert filer.locator(".print-copy").count() == 0
    assert filer.locator("textarea[name=necessity]").is_visible()


def test_a_browser_with_field_sizing_is_left_to_the_stylesheet(session_as):
    filer = session_as("filer")
    filer.goto("/ex-ante/new/")
    filer.fill("textarea[name=necessity]", NECESSITY)
    assert hidden_text(filer, "necessity") == 0
    assert filer.eval_on_selector("textarea[name=necessity]", "box => box.style.height") == ""
    filer.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert filer.locator(".print-copy").count() == 0
