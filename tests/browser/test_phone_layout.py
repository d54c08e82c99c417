"""The page shell on a 360×640 phone and wide tables at 1366×768 (issue 12, "On a phone").

On a phone the side menu hides behind the 菜单 button and opens when it is pressed, the content
takes the whole width, the top bar keeps the user menu and the work year within the screen,
buttons are big enough for a finger, and nothing makes the page wider than the screen: a wide
table scrolls inside its card instead. At 1366×768 in English, where the longer headers make the
tables wider, every table stays inside its card (or its list's scroll box), and a print still
leaves the menus out.

The unit's filer, its leader and the performance office (the demo's `unit`, `leader` and
`perf`) each open the pages they use away from their desks: the to-do list, the targets, a
target and a self-evaluation.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}

# Tables whose visible part leaves their card or scroll box, or a box wider than the page's main
# column: each as "table class → container class" so that a failure names it.
SPILLING_TABLES = """() => {
  const main = document.querySelector("main").getBoundingClientRect();
  const spilling = [];
  for (const table of document.querySelectorAll("main table.grid")) {
    if (!table.getClientRects().length) continue;
    const box = table.parentElement.closest(".card, .table-scroll, main");
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
    const t = table.getBoundingClientRect(), b = box.getBoundingClientRect();
    if ((t.right > b.right + 1 && !scrolls) || b.right > main.right + 1)
      spilling.push(table.className + " → " + (box.className || box.tagName));
  }
  return spilling;
}"""

SMALL_BUTTONS = """() => [...document.querySelectorAll("button, .button, .menu-button")]
  .filter(b => b.getClientRects().length && b.getBoundingClientRect().height < 40)
  .map(b => b.textContent.trim())"""


@pytest.fixture
def documents(world, declare):
    """P1's target approved (its review is tested elsewhere) with its self-evaluation started,
    and P1A's target left as a draft, so that the lists have rows."""
    from jixiao.evaluations.services import selfeval_create
    from jixiao.targets.models import Target, TargetStatus

    target = declare()
    Target.objects.filter(pk=target.pk).update(status=TargetStatus.APPROVED)
    declare("P1A", actor=world.child_filer)
    selfeval = selfeval_create(actor=world.filer, project=world.projects["P1"])
    return target, selfeval


def on_a_phone(session_as, username):
    """A page signed in through the login form (conftest: 1366×768), then held as a phone."""
    page = session_as(username)
    page.set_viewport_size(PHONE)
    return page


def page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def assert_fits_the_phone(page, url):
    page.goto(url)
    scroll_width, inner_width = page_width(page)
    assert scroll_width <= inner_width, (
        f"{url} is {scroll_width}px wide on a {inner_width}px screen"
    )
    assert page.evaluate(SPILLING_TABLES) == [], url
    assert page.evaluate(SMALL_BUTTONS) == [], f"{url}: buttons below 40px"


def assert_menu_behind_the_button(page):
    menu = page.locator(".sidemenu")
    expect(menu).to_be_hidden()
    main_width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    assert main_width == PHONE["width"]  # the content takes the whole width
    for reachable in (page.locator(".usermenu a"), page.locator("select[name=year]")):
        expect(reachable).to_be_visible()
        box = reachable.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.get_by_text("菜单", exact=True).click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="绩效目标", exact=True)).to_be_visible()
    assert page_width(page)[0] <= PHONE["width"]
    page.get_by_text("菜单", exact=True).click()
    expect(menu).to_be_hidden()


def test_a_phone_gets_the_menu_behind_a_button_and_no_page_wider_than_the_screen(
    session_as, documents
):
    target, selfeval = documents
    filer = on_a_phone(session_as, "filer")
    assert_fits_the_phone(filer, "/")
    expect(filer.locator("main")).to_contain_text("待办事项")
    assert_menu_behind_the_button(filer)
    for url in ("/targets/", f"/targets/{target.id}/"):
        assert_fits_the_phone(filer, url)

    # The self-evaluation's indicator table is wider than the phone: its card scrolls, the page
    # does not, and the fields keep text big enough that the phone does not zoom in on them.
    assert_fits_the_phone(filer, f"/evaluations/{selfeval.id}/edit/")
    card = filer.locator("section.card").filter(has=filer.locator("table.monitor-grid"))
    assert card.evaluate("c => c.scrollWidth > c.clientWidth")
    assert card.evaluate("c => { c.scrollLeft = 120; return c.scrollLeft; }") > 0
    assert filer.evaluate("window.scrollX") == 0
    actual = filer.locator("input[name=actual-0]")
    assert actual.evaluate("i => parseFloat(getComputedStyle(i).fontSize)") >= 16

    leader = on_a_phone(session_as, "leader")
    assert_fits_the_phone(leader, "/")
    assert_menu_behind_the_button(leader)
    assert_fits_the_phone(leader, f"/evaluations/{selfeval.id}/")

    performance = on_a_phone(session_as, "performance")
    assert_fits_the_phone(performance, "/")
    assert_menu_behind_the_button(performance)
    assert_fits_the_phone(performance, "/targets/")
    # A list's table scrolls in its own box on a phone, below the stacked filters.
    box = performance.locator(".table-scroll").filter(has=performance.locator("table.grid"))
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    fields = performance.locator("form.filters label")
    widths = fields.evaluate_all("ls => ls.map(l => Math.round(l.getBoundingClientRect().width))")
    assert len(set(widths)) == 1 and widths[0] > PHONE["width"] * 0.8  # one field a line


def test_target_tables_stay_inside_their_cards_at_1366_in_english(session_as, documents):
    target, _ = documents
    page = session_as("performance")  # 1366×768
    page.locator("select[name=language]").select_option("en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    expect(page.locator(".sidemenu")).to_be_visible()
    expect(page.locator(".menu-button")).to_be_hidden()
    for url in ("/targets/", f"/targets/{target.id}/"):
        page.goto(url)
        expect(page.locator("main table.grid").first).to_be_visible()
        assert page.evaluate(SPILLING_TABLES) == [], url
        scroll_width, inner_width = page_width(page)
        assert scroll_width <= inner_width, url
    # The indicator table does not run under the quality check panel beside it.
    card = page.locator("section.card").filter(has=page.locator("th", has_text="Level-1 indicator"))
    panel = page.locator(".side-panel")
    expect(panel).to_be_visible()
    card_box, panel_box = card.bounding_box(), panel.bounding_box()
    assert card_box["x"] + card_box["width"] <= panel_box["x"]

    # On paper the menus stay out and the card shows the whole table rather than a scroll box.
    page.emulate_media(media="print")
    expect(page.locator(".sidemenu")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    assert card.evaluate("c => getComputedStyle(c).overflowX") == "visible"
