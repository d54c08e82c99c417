"""Demo registries of the key-evaluation stage (DOMAIN.md §6.4): the third-party agencies and the
experts, and the pieces the key evaluations (`key_evaluations`) and the ex-ante assessments
(`exante`) both use.

- The demo agency (the `agency` persona's), another agency (which did consulting for the
  emergency bureau in 2021, so it may not evaluate it) and a blacklisted one.
- Eight experts, the `expert` persona among them, one employed by a level-2 unit of the `unit`
  persona's unit (so the conflict check refuses them there) and one not available.
- The scanned, signed 回避声明 an expert hands in when assigned (generated with Pillow, never
  kept in git), and putting an object's attachments back at the date they were taken.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.core.models import Attachment
from jixiao.evaluations.key import registry
from jixiao.evaluations.key.credit_code import check_character
from jixiao.evaluations.key.models import Agency, Expert
from jixiao.orgs.models import Role

from .targets import _account


def credit_code(first17: str) -> str:
    """A 统一社会信用代码 with its check character (GB 32100)."""
    return first17 + check_character(first17)


# --------------------------------------------------------------------------- registries

AGENCIES = [
    # name, first 17 characters of the credit code, qualifications, contact, phone
    (
        "江西某会计师事务所",
        "91360100MA35K7Q2X",
        "会计师事务所执业证书；预算绩效评价业务 6 年，承接省市区绩效评价项目 40 余个",
        "钱主任",
        "0791-86123456",
    ),
    (
        "江西某工程咨询有限公司",
        "91360102MA38G4N1R",
        "工程咨询单位甲级资信；全过程工程咨询、投资评审与绩效评价",
        "孙经理",
        "0791-88234567",
    ),
]
BLACKLISTED = (
    "南昌某财务咨询有限公司",
    "91360111MA36C9P0E",
    "代理记账许可证；财务咨询",
    "2021 年出具的绩效评价报告数据严重失实，被认定为重大违规。",
)

EXPERTS = [
    # key, name, fields, employer, employer unit code, title, available
    ("expert", "周明远", "预算绩效评价、财务管理", "江西财经大学财税与公共管理学院", None, "教授", True),
    ("wu", "吴建华", "工程造价、建设项目管理", "江西省建设工程造价咨询中心", None, "高级工程师", True),
    ("huang", "黄志刚", "公共管理、政策评估", "南昌大学公共管理学院", None, "副教授", True),
    ("he", "何秀兰", "园林绿化、生态环境", "江西省林业科学院", None, "研究员", True),
    ("luo", "罗建国", "政府采购、设备管理", "南昌市政府采购中心（已退休）", None, "高级经济师", True),
    ("zhong", "钟海涛", "消防工程、安全生产", "江西省消防救援总队（已退休）", None, "高级工程师", True),
    ("xu", "许文华", "教育管理、学校建设", "", "113001", "高级教师", True),
    ("zheng", "郑丽萍", "审计、财务会计", "南昌某审计事务所", None, "高级会计师", False),
]  # fmt: skip


@dataclass
class Registry:
    agency: Agency
    other_agency: Agency
    experts: dict[str, Expert]


def build_registries(demo) -> Registry:
    perf, region = demo.users["perf"], demo.region
    agencies = []
    for name, first17, qualifications, contact, phone in AGENCIES:
        members = [demo.users["agency"]] if not agencies else []
        agencies.append(
            registry.agency_save(
                actor=perf,
                region=region,
                members=members,
                name=name,
                credit_code=credit_code(first17),
                qualifications=qualifications,
                contact=contact,
                phone=phone,
            )
        )
    name, first17, qualifications, reason = BLACKLISTED
    registry.agency_save(
        actor=perf,
        region=region,
        name=name,
        credit_code=credit_code(first17),
        qualifications=qualifications,
        contact="李经理",
        blacklisted=True,
        blacklist_reason=reason,
        blacklist_from=dt.date(2021, 11, 15),
        blacklist_until=dt.date(timezone.localdate().year + 2, 12, 31),
        violation_on=dt.date(2021, 10, 20),
        violation_note=reason,
    )
    # The second agency did consulting for the emergency bureau in 2021: it may not evaluate it.
    registry.engagement_add(
        actor=perf,
        agency=agencies[1],
        unit=demo.units["126"],
        year=2021,
        kind="consulting",
        note="应急物资储备库建设方案咨询",
    )
    experts = {}
    for key, name, fields, employer, unit_code, title, available in EXPERTS:
        user = demo.users["expert"] if key == "expert" else None
        if user is None:
            user = _account(demo, f"expert-{key}", [Role.EXPERT])
            if user.full_name != name:
                user.full_name = name
                user.save(update_fields=["full_name"])
        experts[key] = registry.expert_save(
            actor=perf,
            region=region,
            user=user,
            name=name,
            fields_of_expertise=fields,
            employer=employer,
            employer_unit=demo.units[unit_code] if unit_code else None,
            title=title,
            phone=f"139{79100000 + 1379 * len(experts)}",
            available=available,
        )
    return Registry(agencies[0], agencies[1], experts)


# --------------------------------------------------------------------------- the experts' files


def signature_jpeg(name: str) -> bytes:
    """A scanned, signed 回避声明 (a white page with a signature stroke)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (120, 170), 255)
    draw = ImageDraw.Draw(image)
    for line in range(6):
        draw.line((12, 20 + line * 14, 108, 20 + line * 14), fill=200)
    seed = sum(ord(c) for c in name)
    draw.line((60, 140, 75 + seed % 30, 128 + seed % 9, 105, 142), fill=20, width=2)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return out.getvalue()


def declaration(expert: Expert) -> ContentFile:
    """The expert's signed 回避声明 (declaration of no conflict), as the assignment takes it."""
    return ContentFile(signature_jpeg(expert.name), name=f"回避声明-{expert.name}.jpg")


def redate_attachments(obj, when: dt.datetime) -> None:
    """Put the object's attachments back at the date they were taken (uploads stamp today)."""
    Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).update(created_at=when)
