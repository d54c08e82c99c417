"""Demo key evaluations (重点评价, DOMAIN.md §6.4), the bureau's quality check of them, and the
stage's one entry point `build_key_evaluations` (the registries come from `key_registry`, the
ex-ante assessments of §7 from `exante`).

- Work year 2021 (complete): the 2021 summary's 7 key evaluations of 2020 projects, picked from
  the ranked plan (its candidates carry coverage and public attention), among them the three
  special-kind projects with their kind's indicator set. Each walks the whole workflow with the
  personas: notification, work plan, data requests, site visits with phone photos (EXIF time
  and place), the public survey of those serving residents (`surveys.fieldwork_survey`, closed
  in the fieldwork), every expert's raw scores (one indicator flagged for its spread, discussed
  and agreed), findings by 决策/过程/产出/效益, the draft report (reading the survey's rate),
  the unit's response, the final report, the agency's quality score, archiving and the read
  receipts. The bureau's random quality check of them (drawn with a kept seed in December 2021,
  re-read and scored).
- Work year 2022 (live, relative to the build day): an evaluation of the `unit` persona's unit in
  the fieldwork — `agency` has its site visit to record, `expert` its scores to give, `unit` a
  data request due after today; and one evaluation just picked, waiting for `perf` to notify.

Everything goes through the stage's services (`plan`, `registry`, `work`, `scoring_service`,
`report`) and workflow with the right persona; the dates of the finished year are put back
afterwards (the services stamp the build day). Photos and the unit's documents are generated
here (Pillow, a one-page PDF), never kept in git.

`build_key_evaluations` runs the parts in a fixed order (each part draws from its own seeded
random generator), so the demo's data are the same on every build of the same day.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from jixiao.budgets.models import Project
from jixiao.core.models import TransitionLog
from jixiao.evaluations.key import registry, report, scoring_service, work
from jixiao.evaluations.key.models import (
    DataRequest,
    Expert,
    KeyEvaluation,
    PanelIndicator,
    PanelMember,
    QualityCheck,
    ReportDelivery,
    ReportVersion,
    SiteVisit,
)
from jixiao.evaluations.key.plan import candidate_save, evaluation_pick, key_rules, plan_rows
from jixiao.evaluations.key.services import key_transition

from . import district as d
from . import surveys
from .exante import build_exante, build_gate_exante, build_live_exante
from .key_registry import Registry, build_registries, declaration, redate_attachments
from .targets import _unit_staff

CENT = Decimal("0.01")
SPECIAL_NAMES = [name for _unit, name, _kinds, _amount in d.SPECIAL_PROJECTS_2020]


# --------------------------------------------------------------------------- generated files


def _dms(value: Decimal) -> tuple[Fraction, Fraction, Fraction]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = ((value - degrees) * 60 - minutes) * 60
    return Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(100)


def photo_jpeg(rng: random.Random, taken: dt.datetime, lat: Decimal, lon: Decimal) -> bytes:
    """A small phone photo: a scene of ground, a building and sky, with the EXIF a phone
    writes (make, model, DateTimeOriginal and GPS position)."""
    from PIL import Image, ImageDraw
    from PIL.ExifTags import GPS, IFD, Base

    sky = (rng.randrange(120, 200), rng.randrange(160, 220), 235)
    image = Image.new("RGB", (192, 144), sky)
    draw = ImageDraw.Draw(image)
    ground = (rng.randrange(60, 120), rng.randrange(110, 160), rng.randrange(50, 90))
    draw.rectangle((0, 96, 192, 144), fill=ground)
    left = rng.randrange(10, 100)
    draw.rectangle((left, 40, left + rng.randrange(40, 80), 100), fill=(190, 180, 170))
    exif = Image.Exif()
    exif[Base.Make], exif[Base.Model] = "HUAWEI", "Mate 30"
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[Base.DateTime] = stamp
    exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = stamp
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", _dms(lat)
    gps[GPS.GPSLongitudeRef], gps[GPS.GPSLongitude] = "E", _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=70)
    return out.getvalue()


def pdf_bytes(title: str) -> bytes:
    """A one-page PDF standing for a scanned document the unit provides."""
    return (
        b"%PDF-1.4\n% " + title.encode() + b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


# --------------------------------------------------------------------------- the plan


ATTENTION = [
    "12345 热线群众反映较多",
    "区人大代表建议关注",
    "媒体报道较多",
    "涉及民生，群众关注度高",
]


def _candidates(demo, rng, year: int, projects) -> None:
    """What the office knows of each candidate beyond its budget (coverage, attention)."""
    for project in projects:
        public = project.name in SPECIAL_NAMES or rng.random() < 0.4
        candidate_save(
            actor=demo.users["perf"],
            region=demo.region,
            year=year,
            project=project,
            beneficiaries=rng.randrange(2, 60) * 1000 if public else rng.randrange(50, 900),
            units_involved=rng.randrange(2, 9) if public else 1,
            public_attention=public,
            attention_note=rng.choice(ATTENTION) if public else "",
        )


def pick_2021(demo, rng) -> list[KeyEvaluation]:
    """The 7 of the 2021 summary: the three special-kind projects and the four best-ranked
    other key projects of different units."""
    rules = key_rules(demo.region, 2021)
    pool = Project.objects.filter(region=demo.region, year=2020).with_totals()
    pool = pool.filter(
        Q(full_sum__gte=Decimal(rules["key_project"]["line"])) | Q(name__in=SPECIAL_NAMES)
    )
    _candidates(demo, rng, 2021, pool.order_by("code"))
    rows = plan_rows(user=demo.users["perf"], region=demo.region, year=2021)
    special = [r.project for r in rows if r.project and r.project.name in SPECIAL_NAMES]
    units = {p.unit_id for p in special} | {demo.units[d.PERSONA_UNIT].pk}
    chosen = []
    for row in rows:
        if len(chosen) == 4:
            break
        if row.project and row.key_test and row.project.unit_id not in units:
            chosen.append(row.project)
            units.add(row.project.unit_id)
    picks = sorted(chosen + special, key=lambda p: p.code)
    return [
        evaluation_pick(actor=demo.users["perf"], region=demo.region, year=2021, project=p)
        for p in picks
    ]


# --------------------------------------------------------------------------- one evaluation


@dataclass
class Calendar:
    """When each step of one evaluation happened."""

    start: dt.date

    def at(self, days: int, hour: int = 10) -> dt.datetime:
        day = self.start + dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))

    def day(self, days: int) -> dt.date:
        return self.start + dt.timedelta(days=days)


STEP_DAYS = {
    "notify": 0,
    "submit_plan": 7,
    "approve_plan": 10,
    "submit_draft": 55,
    "respond": 68,
    "submit_final": 80,
    "approve_final": 90,
}
PLACES = {
    # a few real places of 东湖区 for the site visits (latitude, longitude)
    "126": ("城北消防站建设工地", Decimal("28.702310"), Decimal("115.906540")),
    "120001": ("环境卫生管理所车辆停放场", Decimal("28.688120"), Decimal("115.912870")),
    "210": ("扬子洲镇赣江铁路沿线", Decimal("28.715460"), Decimal("115.952310")),
}
DEFAULT_PLACE = ("{subject}实施现场", Decimal("28.683020"), Decimal("115.899410"))


def _assign(demo, evaluation, agency, experts: list[Expert]) -> None:
    perf = demo.users["perf"]
    registry.agency_assign(actor=perf, evaluation=evaluation, agency=agency)
    for expert in experts:
        registry.expert_assign(
            actor=perf, evaluation=evaluation, expert=expert, declaration_file=declaration(expert)
        )


def _panel_experts(rng, reg: Registry, size: int, with_persona: bool) -> list:
    # The 2021 picks leave out the `unit` persona's unit, the only one an expert is tied to
    # (expert_assign checks the conflicts all the same).
    pool = [e for key, e in reg.experts.items() if key != "expert" and e.available]
    rng.shuffle(pool)
    chosen = [reg.experts["expert"]] if with_persona else []
    return chosen + pool[: size - len(chosen)]


def _start(demo, evaluation, cal: Calendar, agency_user) -> KeyEvaluation:
    """Notified, the work plan written by the agency and approved: the fieldwork begins."""
    perf = demo.users["perf"]
    evaluation = key_transition(actor=perf, evaluation=evaluation, name="notify")
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(notified_on=cal.day(0))
    work.work_plan_save(actor=agency_user, evaluation=evaluation, text=_work_plan(evaluation))
    evaluation = key_transition(actor=agency_user, evaluation=evaluation, name="submit_plan")
    return key_transition(actor=perf, evaluation=evaluation, name="approve_plan")


def _work_plan(evaluation) -> str:
    return (
        f"一、评价对象：{evaluation.subject}（{evaluation.unit.name}）。\n"
        "二、评价依据：《项目支出绩效评价管理办法》（财预〔2020〕10号）及区级实施办法。\n"
        "三、评价方法：资料核查、现场勘查、专家比对打分、公众测评（满意度调查）。\n"
        "四、人员安排：项目负责人 1 名，评价人员 3 名，另请专家组评分。\n"
        "五、时间安排：资料收集 2 周，现场评价 3 周，报告撰写 2 周。"
    )


REQUESTS = [
    ("项目立项批复及实施方案", "立项申请、批复文件、实施方案"),
    ("资金拨付及支出凭证", "资金到位文件、支出明细账及凭证"),
    ("合同、验收报告及相关佐证", "采购合同、验收报告、竣工结算资料"),
]


def _requests(demo, evaluation, agency_user, cal: Calendar) -> None:
    filer, _leader = _unit_staff(demo, evaluation.unit)
    for index, (item, description) in enumerate(REQUESTS):
        row = work.data_request_add(
            actor=agency_user,
            evaluation=evaluation,
            item=item,
            description=description,
            due=cal.day(20),
        )
        work.data_request_upload(actor=filer, row=row, name=f"{item}.pdf", data=pdf_bytes(item))
        work.data_request_answer(actor=filer, row=row, note="已按清单提供。")
        DataRequest.objects.filter(pk=row.pk).update(
            requested_at=cal.at(11), answered_at=cal.at(15 + index)
        )


def _visits(demo, rng, evaluation, agency_user, cal: Calendar) -> None:
    place, lat, lon = PLACES.get(evaluation.unit.code, DEFAULT_PLACE)
    place = place.format(subject=evaluation.subject)
    unit_name = evaluation.unit.name
    for number, offset in enumerate((24, 31)):
        when = cal.at(offset, 9)
        photos = []
        for shot in range(2):
            taken = when + dt.timedelta(minutes=17 * shot + rng.randrange(0, 15))
            jitter = Decimal(rng.randrange(-400, 400)) / Decimal(10**6)
            photos.append(
                (
                    f"IMG_{taken:%Y%m%d_%H%M%S}.jpg",
                    photo_jpeg(rng, taken.replace(tzinfo=None), lat + jitter, lon + jitter),
                )
            )
        visit = work.site_visit_create(
            actor=agency_user,
            evaluation=evaluation,
            photos=photos,
            visited_on=when.date(),
            place=place if number == 0 else f"{unit_name}项目资料室",
            latitude=lat,
            longitude=lon,
            people=f"评价组 3 人，专家 1 人；{unit_name}项目负责人、财务负责人",
            checked="项目建设（实施）内容、完成数量与质量、资产登记与使用情况"
            if number == 0
            else "会计凭证、合同及验收资料、管理制度执行记录",
            findings="主要内容已按计划完成，个别内容验收资料不全。"
            if number == 0
            else "支出凭证基本规范，部分支出审批手续不完整。",
        )
        SiteVisit.objects.filter(pk=visit.pk).update(recorded_at=when + dt.timedelta(hours=6))
        redate_attachments(visit, when)


REASONS = {
    "决策": ["立项论证材料不够充分", "绩效目标细化量化不足", "预算测算依据不够详细"],
    "过程": ["部分支出审批手续不完整", "资金拨付进度偏慢", "管理制度执行记录不全"],
    "产出": ["部分内容未按期完成", "个别内容验收资料不全", "实际成本略超计划"],
    "效益": ["长效管理机制尚未建立", "效益指标缺少量化佐证", "群众满意度调查样本偏少"],
}


def _flag_target(indicators: list[PanelIndicator]) -> PanelIndicator:
    """The indicator the experts disagree on: the first benefit indicator of 10 points or more."""
    return next(i for i in indicators if i.level1 == "效益" and i.weight >= 10)


def _raw_scores(rng, indicators, count: int, flagged: PanelIndicator | None) -> list[dict]:
    """Each expert's {indicator: (score, reason)}: close to each other everywhere (the spread
    stays within 20% of the weight) except the flagged indicator's."""
    sheets = [{} for _ in range(count)]
    for indicator in indicators:
        w = indicator.weight
        if flagged is not None and indicator.pk == flagged.pk:
            shares = [Decimal(s) for s in ("0.90", "0.65", "0.85", "0.80", "0.75")[:count]]
        else:
            base = rng.choice([0, 0, 0, 1, 1, 2, 3])
            shares = [
                1 - Decimal(base + rng.choice([0, 1])) * Decimal("0.05") for _ in range(count)
            ]
        for sheet, share in zip(sheets, shares, strict=True):
            score = (w * share).quantize(CENT, ROUND_HALF_UP)
            reason = rng.choice(REASONS[indicator.level1]) if score < w else ""
            sheet[indicator.pk] = (str(score), reason)
    return sheets


def _score(demo, rng, evaluation, cal: Calendar | None, *, flag: bool = True) -> None:
    """Every expert scores alone and submits; the office records the flagged discussion."""
    panel = evaluation.panel
    indicators = list(panel.indicators.all())
    members = list(panel.members.select_related("expert__user"))
    flagged = _flag_target(indicators) if flag else None
    for member, sheet in zip(
        members, _raw_scores(rng, indicators, len(members), flagged), strict=True
    ):
        scoring_service.scores_save(
            actor=member.expert.user, panel=panel, values=sheet, submit=True
        )
    for indicator in panel.indicators.filter(flagged=True):
        agreed = (indicator.weight * Decimal("0.85")).quantize(CENT, ROUND_HALF_UP)
        scoring_service.discussion_save(
            actor=demo.users["perf"],
            indicator=indicator,
            discussion="专家组对项目效益的佐证材料认定不一：有专家认为效益数据缺少第三方佐证，"
            "有专家认为现场勘查已能印证。经讨论，一致同意按基本达到预期目标评分。",
            agreed=str(agreed),
        )
    if cal is not None:
        PanelMember.objects.filter(panel=panel).update(
            assigned_at=cal.at(-3), submitted_at=cal.at(45, 16)
        )


FINDINGS = {
    "决策": (
        "绩效目标设置不够细化，部分指标未量化，{i}有待提高。",
        "年初绩效目标表及批复文件",
        "按照“指向明确、细化量化、合理可行”的要求设置绩效目标，产出指标与预算相匹配。",
    ),
    "过程": (
        "部分支出审批手续不完整，{i}方面存在不足。",
        "抽查会计凭证及审批单",
        "严格执行财务管理制度，完善支出审批流程，按规定及时归档。",
    ),
    "产出": (
        "部分建设（实施）内容未按计划完成，{i}未达到预期。",
        "现场勘查记录及验收资料",
        "加强项目进度管理，按计划组织验收，及时办理资产登记。",
    ),
    "效益": (
        "项目长效管理机制尚未建立，{i}缺少量化佐证。",
        "满意度调查及受益对象访谈",
        "建立后续运行维护机制，定期开展满意度调查，跟踪项目效益。",
    ),
}


def _findings(evaluation, agency_user) -> list:
    indicators = list(evaluation.panel.indicators.all())
    added = []
    for level1, (problem, evidence, advice) in FINDINGS.items():
        group = [i for i in indicators if i.level1 == level1]
        weakest = min(group, key=lambda i: (i.score or 0) / i.weight)
        added.append(
            work.finding_add(
                actor=agency_user,
                evaluation=evaluation,
                level1=level1,
                indicator=weakest,
                problem=problem.format(i=weakest.level3),
                evidence=evidence,
                recommendation=advice,
            )
        )
    return added


def _finish(demo, rng, evaluation, agency_user, cal: Calendar) -> KeyEvaluation:
    """Draft report, the unit's response, the final report, the quality score, archived, read."""
    perf = demo.users["perf"]
    filer, leader = _unit_staff(demo, evaluation.unit)
    findings = _findings(evaluation, agency_user)
    report.report_generate(actor=agency_user, evaluation=evaluation)
    evaluation = key_transition(actor=agency_user, evaluation=evaluation, name="submit_draft")
    work.response_save(
        actor=filer,
        evaluation=evaluation,
        text="我单位对报告初稿无异议。对报告指出的问题，已制定整改方案，"
        "将于年底前完成验收资料归档并建立长效管理机制。",
    )
    evaluation = key_transition(actor=leader, evaluation=evaluation, name="respond", attest=True)
    report.report_edit(
        actor=agency_user,
        evaluation=evaluation,
        sections={"other": "被评价单位对报告初稿的反馈意见已吸收，本报告为最终稿。"},
        note="根据单位反馈意见（交换意见）修改",
    )
    evaluation = key_transition(actor=agency_user, evaluation=evaluation, name="submit_final")
    registry.agency_quality_score(
        actor=perf,
        evaluation=evaluation,
        score=str(Decimal(rng.randrange(84, 96))),
        note="工作方案完整，底稿规范，报告结构符合要求；个别问题分析深度不足。",
    )
    evaluation = key_transition(actor=perf, evaluation=evaluation, name="approve_final")
    for finding, status in zip(findings, ["closed", "closed", "rectifying", "open"], strict=True):
        work.finding_status_set(actor=perf, finding=finding, status=status)
    final = evaluation.reports.order_by("-number").first()
    for delivery in final.deliveries.select_related("unit"):
        _filer, reader = _unit_staff(demo, delivery.unit)
        report.report_mark_read(final, reader)
    _redate(evaluation, cal)
    return evaluation


def _redate(evaluation, cal: Calendar) -> None:
    """The finished year's steps at their dates (the services stamp the build day)."""
    kind = ContentType.objects.get_for_model(KeyEvaluation)
    for row in TransitionLog.objects.filter(content_type=kind, object_id=evaluation.pk):
        row.created_at = cal.at(STEP_DAYS[row.transition], 15)
        row.save(update_fields=["created_at"])
    KeyEvaluation.objects.filter(pk=evaluation.pk).update(
        archived_on=cal.day(STEP_DAYS["approve_final"]),
        submitted_at=cal.at(STEP_DAYS["respond"], 15),
    )
    versions = evaluation.reports.order_by("number")
    days_of = (STEP_DAYS["submit_draft"], STEP_DAYS["submit_final"])
    for version, days in zip(versions, days_of, strict=True):
        ReportVersion.objects.filter(pk=version.pk).update(created_at=cal.at(days, 9))
    ReportDelivery.objects.filter(report__evaluation=evaluation).update(
        sent_at=cal.at(STEP_DAYS["approve_final"], 16),
        read_at=cal.at(STEP_DAYS["approve_final"] + 2, 9),
    )


# --------------------------------------------------------------------------- the years


PANEL_SIZES = [4, 3, 5, 3, 4, 5, 3]
PERSONA_PANELS = {0, 3, 5}  # the `expert` persona sits on three of the seven


def build_2021(demo, reg: Registry) -> list[KeyEvaluation]:
    rng, survey_rng = random.Random(2021_07), surveys.rng_2021()
    agency_user = demo.users["agency"]
    done = []
    for index, evaluation in enumerate(pick_2021(demo, rng)):
        cal = Calendar(dt.date(2021, 4, 6) + dt.timedelta(days=5 * index))
        experts = _panel_experts(rng, reg, PANEL_SIZES[index], index in PERSONA_PANELS)
        _assign(demo, evaluation, reg.agency, experts)
        evaluation = _start(demo, evaluation, cal, agency_user)
        _requests(demo, evaluation, agency_user, cal)
        _visits(demo, rng, evaluation, agency_user, cal)
        # The public survey (those serving residents) runs in the fieldwork and closes before
        # the draft report, which reads its rate through the satisfaction slot.
        surveys.fieldwork_survey(demo, evaluation, survey_rng)
        _score(demo, rng, evaluation, cal)
        done.append(_finish(demo, rng, evaluation, agency_user, cal))
    return done


def build_live(demo, reg: Registry) -> None:
    """2022: `unit`'s evaluation in the fieldwork, and one waiting for `perf` to notify."""
    rng = random.Random(2022_07)
    today = timezone.localdate()
    persona = demo.units[d.PERSONA_UNIT]
    projects = Project.objects.filter(region=demo.region, year=2021).with_totals()
    live = projects.filter(unit=persona, parent__isnull=True).order_by("-full_sum").first()
    waiting = (
        projects.exclude(unit=persona).filter(kinds__code="special_fund").order_by("-full_sum")
    )
    waiting = waiting.exclude(unit__code="126").first()  # the other agency consulted there
    _candidates(demo, rng, 2022, [live, waiting])
    perf, agency_user = demo.users["perf"], demo.users["agency"]
    evaluation = evaluation_pick(actor=perf, region=demo.region, year=2022, project=live)
    experts = [reg.experts["expert"], reg.experts["wu"], reg.experts["huang"]]
    _assign(demo, evaluation, reg.agency, experts)
    evaluation = _start(demo, evaluation, Calendar(today - dt.timedelta(days=20)), agency_user)
    filer, _leader = _unit_staff(demo, persona)
    answered = work.data_request_add(
        actor=agency_user,
        evaluation=evaluation,
        item=REQUESTS[0][0],
        description=REQUESTS[0][1],
        due=today - dt.timedelta(days=3),
    )
    work.data_request_upload(
        actor=filer, row=answered, name="立项批复.pdf", data=pdf_bytes("立项批复")
    )
    work.data_request_answer(actor=filer, row=answered, note="已提供立项批复和实施方案。")
    for item, description in REQUESTS[1:]:
        work.data_request_add(
            actor=agency_user,
            evaluation=evaluation,
            item=item,
            description=description,
            due=today + dt.timedelta(days=10),
        )
    # One expert has submitted; another has a draft; the `expert` persona has not begun.
    indicators = list(evaluation.panel.indicators.all())
    first, second = _raw_scores(rng, indicators, 2, None)
    scoring_service.scores_save(
        actor=reg.experts["wu"].user, panel=evaluation.panel, values=first, submit=True
    )
    half = dict(list(second.items())[: len(second) // 2])
    scoring_service.scores_save(
        actor=reg.experts["huang"].user, panel=evaluation.panel, values=half
    )
    picked = evaluation_pick(actor=perf, region=demo.region, year=2022, project=waiting)
    registry.agency_assign(actor=perf, evaluation=picked, agency=reg.other_agency)


# --------------------------------------------------------------------------- quality check


QUALITY_SEED = "2021-12-15 区财政局监督检查股"
QUALITY_FINDINGS = [
    # the reviewer's findings and score, by drawn report
    (
        "报告结构完整，评价指标与评分依据对应；底稿中个别现场勘查记录缺少被评价单位签字，"
        "部分问题的原因分析不够深入。总体符合第三方机构执业质量要求。",
        "88",
    ),
    (
        "评价程序规范，专家评分及讨论记录齐全；满意度调查样本量偏少，个别效益指标的佐证材料"
        "未归入底稿。基本符合第三方机构执业质量要求，已要求补充归档。",
        "82",
    ),
]


def build_quality_check(demo) -> None:
    """The bureau's random quality check of 2021's archived reports (drawn by lot with a kept
    seed in December 2021), each drawn report re-read and scored."""
    perf = demo.users["perf"]
    drawn = registry.quality_draw(actor=perf, region=demo.region, year=2021, seed=QUALITY_SEED)
    when = timezone.make_aware(dt.datetime(2021, 12, 15, 10))
    for number, pk in enumerate(drawn.drawn):
        findings, score = QUALITY_FINDINGS[number % len(QUALITY_FINDINGS)]
        registry.quality_record(
            actor=perf,
            check=QualityCheck.objects.get(evaluation_id=pk),
            reviewer="区财政局监督检查股 刘建平",
            findings=findings,
            score=score,
            done_on=dt.date(2021, 12, 28),
        )
    QualityCheck.objects.filter(region=demo.region, year=2021).update(drawn_at=when)


def build_key_evaluations(demo) -> None:
    reg = build_registries(demo)
    build_2021(demo, reg)
    build_quality_check(demo)
    build_exante(demo, reg)
    build_gate_exante(demo, reg)
    build_live_exante(demo)
    build_live(demo, reg)
