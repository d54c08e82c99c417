"""Supporting files: a zip bomb disguised as an office document is refused
in Chinese before anything is stored, and identical content is stored once, by SHA-256, and
stays readable while any attachment still uses it."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.core import attachments
from jixiao.core.models import Attachment
from jixiao.testing_pages import _policy

MB = 1024 * 1024


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def docx(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def bomb(inflated: int) -> bytes:
    """A valid .docx whose word/document.xml is `inflated` bytes of zeros: 1 GiB in about 1 MB.
    Built without deflating it all: one 4 MB block, flushed so it stands alone, repeated."""
    chunk = bytes(4 * MB)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    count = inflated // len(chunk)
    data = block * count + deflate.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    name = b"word/document.xml"
    sizes = (crc, len(data), count * len(chunk), len(name), 0)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, *sizes)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, 0)
    directory = central + name
    offset = len(local) + len(name) + len(data)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), offset, 0)
    return local + name + data + directory + end


def upload(client, policy, name: str, data: bytes):
    return client.post(
        f"/files/upload/reports.policydocument/{policy.pk}/",
        {"file": SimpleUploadedFile(name, data), "back": f"/policies/{policy.pk}/"},
    )


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_zip_bomb_disguised_as_a_docx_is_refused_in_chinese_and_nothing_is_stored(
    world, client_for, media
):
    data = bomb(1024 * MB)
    assert len(data) < 2 * MB
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].file_size == 1024 * MB
    policy = _policy(world, 0)
    started = time.monotonic()
    response = upload(client_for("performance"), policy, "验收报告.docx", data)
    assert time.monotonic() - started < 10
    assert response.status_code == 302
    assert any("解压后过大" in m and "恶意" in m for m in told(response))
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_an_archive_over_the_ratio_is_refused_even_below_the_total(settings):
    settings.JIXIAO_ATTACHMENT_ZIP_RATIO_FLOOR = 1 * MB
    data = bomb(16 * MB)  # about 16 KB inflating 1000 times
    with pytest.raises(ValidationError, match="压缩比超过 100 倍"):
        attachments.check_file("a.docx", data)


def test_an_ordinary_docx_and_xlsx_are_accepted(world, client_for, media):
    policy = _policy(world, 0)
    client = client_for("performance")
    text = "<w:document>" + "正文" * 20000 + "</w:document>"
    upload(client, policy, "发文.docx", docx({"word/document.xml": text.encode()}))
    upload(client, policy, "附表.xlsx", docx({"xl/workbook.xml": b"<workbook/>"}))
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["发文.docx", "附表.xlsx"]


def test_the_same_file_twice_is_stored_once(world, client_for, media):
    client = client_for("performance")
    first, second = _policy(world, 0), _policy(world, 1)
    upload(client, first, "发文.pdf", b"%PDF-1.4 the signed scan")
    upload(client, second, "发文（副本）.pdf", b"%PDF-1.4 the signed scan")
    upload(client, second, "另一份.pdf", b"%PDF-1.4 another document")
    a, b, other = Attachment.objects.order_by("pk")
    assert a.sha256 == b.sha256 and a.file.name == b.file.name
    assert other.file.name != a.file.name
    assert len(stored_files(media)) == 2


def test_removing_or_deleting_one_of_two_identical_files_keeps_the_others_content(
    world, client_for, media
):
    client = client_for("performance")
    first, second = _policy(world, 0), _policy(world, 1)
    upload(client, first, "发文.pdf", b"%PDF-1.4 shared")
    upload(client, second, "发文.pdf", b"%PDF-1.4 shared")
    a, b = Attachment.objects.order_by("pk")
    client.post(f"/files/{a.pk}/remove/", {"back": f"/policies/{first.pk}/"})
    a.refresh_from_db()
    assert a.removed_at is not None
    a.delete()
    response = client.get(f"/files/{b.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 shared"
