"""`choice_label` shows what `get_FOO_display` shows, in the language of the page, looked up
once a process (list rows of the deadline peak, issue 16 part 5)."""

from django.utils import translation

from jixiao.core.templatetags.jixiao import choice_label


def test_the_label_is_the_displays_in_each_language(world, declare):
    target = declare()
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            assert choice_label(target, "status") == target.get_status_display()
    with translation.override("en"):
        english = choice_label(target, "status")
    with translation.override("zh-hans"):
        assert choice_label(target, "status") != english


def test_the_label_follows_the_rows_value(world, declare):
    target = declare()
    draft = choice_label(target, "status")
    target.status = "submitted"
    assert choice_label(target, "status") == target.get_status_display() != draft


def test_the_target_list_shows_each_rows_status(world, declare, client_for):
    target = declare()
    page = client_for("filer").get("/targets/").content.decode()
    assert f'<span class="status status-draft">{target.get_status_display()}</span>' in page
