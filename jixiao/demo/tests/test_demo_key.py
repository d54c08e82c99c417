"""The demo's key evaluations and ex-ante assessments (issue 12, Demo): the 2021 summary's 7
archived key evaluations with the 3 special kinds, the live 2022 items waiting for the right
personas, and the personas `expert` and `agency` reaching only what they are assigned to.

The district is built once for the module (the steps up to the projects, then this stage's),
inside a transaction rolled back at the end."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.http import Http404
from django.test.utils import override_settings
from django.utils import timezone

SPECIAL = {
    "城北消防站建设项目": "政府债务",
    "清扫队车辆采购项目": "政府采购",
    "扬子洲赣江铁路沿线绿色廊道项目": "政府性基金",
}
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    from jixiao.core.audit import audit_context
    from jixiao.demo import build
    from jixiao.demo.key_evaluations import build_key_evaluations

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic(), audit_context(source="cli"):
            demo = build.Demo(password="Demo#Pass2022")
            for _label, step in build.STEPS[:4]:  # regions, units, people, projects
                step(demo)
            build_key_evaluations(demo)
            yield demo
            transaction.set_rollback(True)


@pytest.fixture
def demo(built, db):
    return built


def key_2021():
    from jixiao.evaluations.key.models import KeyEvaluation

    return KeyEvaluation.objects.filter(region__code="360102", year=2021).select_related(
        "panel", "unit", "agency", "project"
    )


def test_2021_has_seven_archived_key_evaluations_with_the_three_special_kinds(demo):
    rows = list(key_2021())
    assert len(rows) == 7
    assert {r.status for r in rows} == {"archived"}
    assert {r.subject: r.special_kind for r in rows if r.special_kind} == SPECIAL
    assert {r.project.year for r in rows} == {2020}
    assert len({r.unit_id for r in rows}) == 7  # a wide cover: seven units
    assert {r.agency.name for r in rows} == {"江西某会计师事务所"}
    for row in rows:
        assert row.score is not None and row.grade in {"优", "良", "中", "差"}
        assert row.notified_on and row.archived_on and row.archived_on.year == 2021
        assert row.work_plan and row.unit_response
        assert row.agency_quality_score is not None


def test_each_special_kind_is_scored_on_its_own_indicator_set(demo):
    own = {"政府债务": "偿债资金保障", "政府采购": "采购程序合规", "政府性基金": "专款专用"}
    for row in key_2021().exclude(special_kind=""):
        names = set(row.panel.indicators.values_list("level3", flat=True))
        assert own[row.special_kind] in names
        weights = row.panel.indicators.values_list("weight", flat=True)
        assert sum(weights) == Decimal(100)


def test_candidates_of_the_2021_plan_carry_coverage_and_attention(demo):
    from jixiao.evaluations.key.models import KeyCandidate

    for row in key_2021():
        candidate = KeyCandidate.objects.get(year=2021, project=row.project)
        assert candidate.beneficiaries > 0 and candidate.units_involved > 0
        assert row.selection_score is not None and row.selection_note
    assert (
        KeyCandidate.objects.filter(year=2021, public_attention=True)
        .exclude(attention_note="")
        .exists()
    )


def test_site_visits_keep_their_photos_exif_time_and_place(demo):
    from PIL import Image

    for row in key_2021():
        visits = list(row.site_visits.prefetch_related("photos__attachment"))
        assert visits
        photos = [p for v in visits for p in v.photos.all()]
        assert photos
        for photo in photos:
            with photo.attachment.file.open("rb") as handle:
                exif = Image.open(io.BytesIO(handle.read())).getexif()
            written = exif.get_ifd(0x8769)[0x9003]  # DateTimeOriginal as the phone wrote it
            taken = timezone.localtime(photo.taken_at)
            assert taken.strftime("%Y:%m:%d %H:%M:%S") == written
            assert taken.date() == photo.visit.visited_on
            assert photo.latitude and photo.longitude and photo.camera


def test_every_expert_scores_every_indicator_with_reasons_below_full(demo):
    from jixiao.evaluations.key.models import ExpertScore

    for row in key_2021():
        members = list(row.panel.members.all())
        assert 3 <= len(members) <= 5
        assert all(m.submitted_at for m in members)
        indicators = row.panel.indicators.count()
        for member in members:
            assert member.scores.count() == indicators
        below = ExpertScore.objects.filter(member__panel=row.panel, score__lt=models_f("weight"))
        assert below.exists()
        assert not below.filter(reason="").exists()


def models_f(name):
    from django.db.models import F

    return F(f"indicator__{name}")


def test_one_indicator_is_flagged_for_its_spread_and_has_its_agreed_score(demo):
    for row in key_2021():
        flagged = list(row.panel.indicators.filter(flagged=True))
        assert len(flagged) == 1
        indicator = flagged[0]
        raw = [s.score for s in indicator.raw.all()]
        assert max(raw) - min(raw) > indicator.weight * Decimal("0.20")
        assert indicator.discussion and indicator.agreed is not None
        for other in row.panel.indicators.filter(flagged=False):
            scores = [s.score for s in other.raw.all()]
            assert max(scores) - min(scores) <= other.weight * Decimal("0.20")
            assert other.computed is not None


def test_findings_cover_the_four_parts_and_the_final_report_was_read(demo):
    for row in key_2021():
        assert set(row.findings.values_list("level1", flat=True)) == {
            "决策",
            "过程",
            "产出",
            "效益",
        }
        assert not row.findings.filter(indicator__isnull=True).exists()
        versions = list(row.reports.order_by("number"))
        assert len(versions) == 2
        deliveries = list(versions[-1].deliveries.all())
        assert deliveries and all(x.read_at and x.read_by_id for x in deliveries)
    clean = key_2021().get(subject="清扫队车辆采购项目")
    receivers = set(clean.reports.first().deliveries.values_list("unit__code", flat=True))
    assert receivers == {"120001", "120"}  # the unit and its 主管部门


def test_the_history_names_the_persona_of_each_step(demo):
    from jixiao.core.models import TransitionLog

    for row in key_2021():
        steps = dict(
            TransitionLog.objects.filter(
                content_type__model="keyevaluation", object_id=row.pk
            ).values_list("transition", "actor__username")
        )
        assert steps["notify"] == steps["approve_plan"] == steps["approve_final"] == "perf"
        assert steps["submit_plan"] == steps["submit_draft"] == steps["submit_final"] == "agency"
        leader = steps["respond"]
        assert leader.endswith("-leader") and leader.startswith(f"u{row.unit.code}")


def test_registries_hold_valid_codes_a_blacklisting_and_the_experts(demo):
    from jixiao.evaluations.key.models import Agency, Expert
    from jixiao.orgs.models import User

    weights = [pow(3, i, 31) for i in range(17)]
    for agency in Agency.objects.filter(region__code="360102"):
        code = agency.credit_code
        total = sum(ALPHABET.index(c) * w for c, w in zip(code[:17], weights, strict=True))
        assert code[17] == ALPHABET[(31 - total % 31) % 31]
    black = Agency.objects.get(blacklisted=True)
    assert black.blacklist_reason and black.blacklist_from < timezone.localdate()
    assert black.blacklist_until > timezone.localdate()
    assert Agency.objects.get(name="江西某会计师事务所").members.get().username == "agency"
    experts = Expert.objects.filter(region__code="360102")
    assert 6 <= experts.count() <= 8
    assert experts.get(user__username="expert").fields_of_expertise
    assert all(e.employer for e in experts)
    assert experts.filter(employer_unit__isnull=False).exists()
    assert User.objects.get(username="expert").expert.memberships.exists()


def test_an_expert_employed_by_a_unit_is_refused_on_its_evaluation(demo):
    from jixiao.evaluations.key.models import Expert, KeyEvaluation
    from jixiao.evaluations.key.registry import conflict_reasons
    from jixiao.orgs.models import UnitYear

    employed = Expert.objects.get(employer_unit__isnull=False)
    live = KeyEvaluation.objects.get(year=2022, status="fieldwork")
    parents = UnitYear.objects.filter(unit=employed.employer_unit).values_list("parent", flat=True)
    assert live.unit_id in set(parents)  # employed by a level-2 unit of the evaluated unit
    assert conflict_reasons(employed, live)
    assert not live.panel.members.filter(expert=employed).exists()


def test_the_live_evaluation_waits_for_agency_expert_and_unit(demo):
    from jixiao.evaluations.key.models import KeyEvaluation
    from jixiao.evaluations.key.selectors import key_queue, panel_member

    users = demo.users
    live = KeyEvaluation.objects.get(region__code="360102", year=2022, status="fieldwork")
    assert live.unit == users["unit"].unit
    assert live in key_queue(user=users["agency"], region=demo.region, year=2022)
    assert not live.site_visits.exists()  # the agency's visit to record
    mine = panel_member(live.panel, users["expert"])
    assert mine is not None and mine.submitted_at is None
    assert live.panel.members.filter(submitted_at__isnull=False).exists()
    waiting = live.data_requests.filter(answered_at__isnull=True)
    assert waiting.filter(due__gt=timezone.localdate()).exists()
    assert live.data_requests.filter(answered_at__isnull=False).exists()
    picked = KeyEvaluation.objects.get(region__code="360102", year=2022, status="draft")
    assert picked in key_queue(user=users["perf"], region=demo.region, year=2022)
    assert live not in key_queue(user=users["perf"], region=demo.region, year=2022)


def test_ex_ante_concluded_with_adjustment_in_2021_and_one_waits_for_the_office(demo):
    from jixiao.evaluations.key.models import ExAnteAssessment
    from jixiao.evaluations.key.selectors import exante_queue

    done = ExAnteAssessment.objects.get(region__code="360102", year=2021)
    assert done.status == "concluded" and done.conclusion == "调整后支持"
    assert done.project.year == 2021 and done.amount >= Decimal(500)
    assert Decimal(60) <= done.score < Decimal(80) and done.conclusion_reason
    assert done.panel.members.count() == 3
    live = ExAnteAssessment.objects.get(region__code="360102", year=2022, status="submitted")
    assert live.is_policy and live.unit == demo.users["unit"].unit
    assert live in exante_queue(user=demo.users["perf"], region=demo.region, year=2022)
    assert live not in exante_queue(user=demo.users["unit"], region=demo.region, year=2022)


def test_expert_and_agency_personas_reach_only_their_assignments(demo):
    from jixiao.evaluations.key.models import KeyEvaluation

    expert, agency = demo.users["expert"], demo.users["agency"]
    everything = KeyEvaluation.objects.filter(region__code="360102")
    on_panel = everything.filter(panel__members__expert__user=expert)
    assert set(KeyEvaluation.objects.visible_to(expert)) == set(on_panel)
    assert 2 <= on_panel.filter(year=2021).count() < 7
    assigned = everything.filter(agency__members=agency)
    assert set(KeyEvaluation.objects.visible_to(agency)) == set(assigned)
    for user, mine in ((expert, on_panel), (agency, assigned)):
        other = everything.exclude(pk__in=mine.values("pk")).first()
        assert other is not None
        with pytest.raises(Http404):
            KeyEvaluation.objects.get_visible_or_404(user, pk=other.pk)


def test_live_dates_follow_the_build_day(demo):
    from jixiao.evaluations.key.models import KeyEvaluation

    live = KeyEvaluation.objects.get(region__code="360102", year=2022, status="fieldwork")
    assert timezone.localdate() - dt.timedelta(days=60) < live.notified_on <= timezone.localdate()


def test_each_persona_finds_its_live_work_among_its_to_dos(demo):
    from jixiao.evaluations.key.navigation import key_todos

    def titles(username):
        return [str(t.title) for t in key_todos(demo.users[username], demo.region, 2022)]

    assert any(t.startswith("记录现场勘查") for t in titles("agency"))
    assert any(t.startswith("专家评分") for t in titles("expert"))
    assert any(t.startswith("提交评价资料") for t in titles("unit"))
    assert any(t.startswith("下达评价通知") for t in titles("perf"))
    assert not any(t.startswith("专家评分") for t in titles("other"))


def test_the_notice_and_the_final_report_are_word_documents(demo):
    from docx import Document

    from jixiao.evaluations.key.letters import notice_docx
    from jixiao.evaluations.key.report import report_docx

    row = key_2021().get(subject="城北消防站建设项目")
    final = row.reports.order_by("-number").first()
    text = "\n".join(p.text for p in Document(io.BytesIO(report_docx(final))).paragraphs)
    assert "城北消防站建设项目" in text and row.grade in text
    notice = Document(io.BytesIO(notice_docx(row)))
    assert any(row.unit.name in p.text for p in notice.paragraphs)


def test_the_2021_figures_count_the_seven_and_the_three_special_kinds(demo):
    from jixiao.core.scope import RegionReader
    from jixiao.reports.stats import as_json, year_stats

    district = demo.region
    figures = as_json(year_stats(user=RegionReader(district.path), region=district, year=2021))
    key = figures["key_evaluations"]
    assert key["count"] == 7 and len(key["projects"]) == 7
    assert {s["name"]: s["kind"] for s in key["special_kinds"]} == SPECIAL
    assert key["findings"] == {"决策": 7, "过程": 7, "产出": 7, "效益": 7}


def test_the_gate_refuses_no_2022_project_for_want_of_an_ex_ante_assessment(demo):
    from jixiao.budgets.models import Project
    from jixiao.core.gates import gate_refusals

    projects = Project.objects.filter(region__code="360102", year=2022).select_related("region")
    assert projects.count() > 100
    refused = {p.code: gate_refusals(p, 2022) for p in projects}
    assert {code: reasons for code, reasons in refused.items() if reasons} == {}


def test_2022_projects_of_500_or_more_were_assessed_in_late_2021_by_three_experts(demo):
    from jixiao.evaluations.key.models import ExAnteAssessment

    rows = ExAnteAssessment.objects.filter(region__code="360102", year=2022, status="concluded")
    rows = list(rows.select_related("project", "unit", "panel"))
    assert len(rows) >= 20  # the district's 2022 plan has about 22 such projects
    conclusions = [r.conclusion for r in rows]
    assert 0 < conclusions.count("调整后支持") < conclusions.count("予以支持")
    assert set(conclusions) == {"予以支持", "调整后支持"}
    for row in rows:
        assert row.project.year == 2022 and row.project.unit_id == row.unit_id
        assert row.amount >= Decimal(500)
        if row.conclusion == "予以支持":
            assert row.score >= Decimal(80)
        else:
            assert Decimal(60) <= row.score < Decimal(80)
        assert dt.date(2021, 10, 1) <= row.submitted_at.date() < row.concluded_on
        assert row.concluded_on < dt.date(2022, 1, 1)
        members = list(row.panel.members.select_related("expert"))
        assert len(members) == 3 and all(m.submitted_at for m in members)
        assert all(m.expert.available for m in members)
        assert all(m.expert.employer_unit_id != row.unit_id for m in members)
        scores = [i.score for i in row.panel.indicators.all()]
        assert len(scores) == 5 and None not in scores


def test_a_random_quality_check_of_2021_reports_has_its_seed_findings_and_score(demo):
    from jixiao.evaluations.key.models import QualityCheck
    from jixiao.evaluations.key.registry import quality_redraw

    checks = list(QualityCheck.objects.filter(region__code="360102", year=2021))
    assert checks
    for check in checks:
        assert check.seed and check.reviewer and check.findings
        assert check.score is not None and Decimal(60) <= check.score <= Decimal(100)
        assert check.evaluation.status == "archived" and check.evaluation.year == 2021
        assert check.drawn_at.year == 2021 and check.done_on.year == 2021
    redraw = quality_redraw(demo.region, 2021)
    assert sorted(c.evaluation_id for c in checks) == redraw.drawn
    assert len(redraw.population) == 7


def test_2021_public_surveys_close_in_the_fieldwork_before_the_draft_reports(demo):
    """The key walk itself surveys the evaluations serving residents (sanitation office,
    emergency bureau, 扬子洲镇): each closed before its draft report, which quotes the rate."""
    from jixiao.surveys.models import Survey

    surveys = Survey.objects.filter(region__code="360102", year=2021).select_related(
        "key_evaluation__unit"
    )
    assert {s.key_evaluation.unit.code for s in surveys} == {"120001", "126", "210"}
    for survey in surveys:
        assert survey.status == "closed" and survey.rate is not None
        draft = survey.key_evaluation.reports.get(number=1)
        assert survey.closed_at < draft.created_at
        percent = (survey.rate * 100).quantize(Decimal("0.01"))
        assert f"公众测评的满意率为{percent}%" in draft.sections["parts"]["conduct"]
