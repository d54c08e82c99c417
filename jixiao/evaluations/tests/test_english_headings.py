"""English headings and buttons of the bureau's pages (ux38). Headings start with a capital: the words
also run inside the annual summary's sentences ("site visits, expert scoring and public
survey"), lower-case there, so the headings and the menu take their own context "heading"."""

import re

from django.utils import translation

from jixiao.evaluations.key.models import KeyStatus
from jixiao.evaluations.tests.test_key_work import make_evaluation


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_surveys_page_and_its_menu_entry_read_public_surveys(world, client_for):
    html = _english(client_for("performance")).get("/surveys/").content.decode()
    assert re.search(r"<h1>Public surveys\b", html)
    assert re.search(r"<title>Public surveys\b", html)
    assert ">Public surveys</a>" in html  # the side menu
    assert "public survey" not in html


def test_a_key_evaluations_site_visits_read_site_visits(world, client_for):
    evaluation = make_evaluation(world, status=KeyStatus.FIELDWORK)
    office = _english(client_for("performance"))
    html = office.get(f"/key-evaluations/{evaluation.pk}/").content.decode()
    assert "<h2>Site visits</h2>" in html and "<h2>site visits" not in html


def test_the_summarys_sentence_keeps_the_lower_case_words():
    from jixiao.reports.summary import KEY_METHODS

    with translation.override("en"):
        assert [str(label) for _, label in KEY_METHODS] == [
            "site visits",
            "expert scoring",
            "public survey",
        ]


def test_buttons_say_what_they_do_where_the_word_is_also_a_label(world, client_for):
    """登记 is 'Registered' as a label (a policy document's registration) and 'Record' on a
    button; 修改指标体系 runs lower case inside the history's sentence, capitalised on its
    button."""
    office = _english(client_for("performance"))
    fund_form = office.get("/fund-actions/new/").content.decode()
    assert re.search(r"<button[^>]*>Record</button>", fund_form) and "Registered" not in fund_form
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    detail = office.get(f"/key-evaluations/{evaluation.pk}/").content.decode()
    assert ">Change the indicator framework</a>" in detail


def test_one_project_is_labelled_project_not_projects(world, client_for):
    """项目 is the 'Projects' page and menu entry; the label of one project, and a column of
    one project a row, read 'Project'."""
    office = _english(client_for("performance"))
    evaluation = make_evaluation(world, status=KeyStatus.NOTIFIED)
    detail = office.get(f"/key-evaluations/{evaluation.pk}/").content.decode()
    assert "<dt>Project</dt>" in detail and "<dt>Projects</dt>" not in detail
    from jixiao.results.tests.rect_samples import alert_rectification

    alert_rectification(world)
    listing = office.get("/rectifications/?year=2022").content.decode()
    headers = re.findall(r"<th[^>]*>(?:<a [^>]*>)?([^<]*)", listing)  # a sortable one is a link
    assert "Project" in headers and "Projects" not in headers


def test_the_grade_filter_posts_the_official_word_and_reads_glossed_in_english(world, client_for):
    html = client_for("performance").get("/evaluations/?grade=良").content.decode()
    assert '<option value="良" selected>良</option>' in html
    html = _english(client_for("performance")).get("/evaluations/?grade=良").content.decode()
    assert '<option value="良" selected>良 (good)</option>' in html
    assert '<option value="差">差 (poor)</option>' in html


def test_the_fund_action_forms_record_fields_are_singular(world, client_for):
    html = _english(client_for("performance")).get("/fund-actions/new/").content.decode()
    labels = re.findall(
        r'<label for="id_(?:alert|selfeval|key_evaluation|rectification)">([^<]*)<', html
    )
    assert labels == ["Alert:", "Project self-evaluation:", "Key evaluation:", "Rectification:"]


def test_a_self_evaluations_grade_reads_grade_and_glossed_in_english(world, client_for):
    """等级 of an evaluation is its grade (优良中差), not a "Level" (the alerts' yellow and red):
    the self-evaluation list's filter and column read "Grade", and the grade itself is glossed
    as on the filter's options."""
    from jixiao.evaluations.models import SelfEvaluation
    from jixiao.testing_pages import _selfeval

    selfeval = _selfeval(world, 0)
    SelfEvaluation.objects.filter(pk=selfeval.pk).update(grade="良")
    html = _english(client_for("performance")).get("/evaluations/").content.decode()
    headers = re.findall(r"<th[^>]*>(?:<a [^>]*>)?([^<]*)", html)
    assert "Grade" in headers and "Level" not in headers
    assert "<label>Grade<select" in html
    assert "<td>良 (good)</td>" in html
