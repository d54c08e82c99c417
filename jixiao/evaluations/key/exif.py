"""What a site-visit photo says about itself (现场勘查照片的 EXIF): when it was taken, where, and
with what camera.

A pure reader (Pillow only, no Django): `read_photo_facts(data)` never raises for a photo without
EXIF or with broken tags; the facts it cannot read are None (or "" for the camera). The time is
the camera's DateTimeOriginal as written, a naive datetime (cameras keep local time; the caller
decides the time zone). Coordinates are decimal degrees rounded to 6 places, negative to the
south and west.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["PhotoFacts", "read_photo_facts"]

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
MAKE, MODEL = 0x010F, 0x0110
DATETIME, DATETIME_ORIGINAL = 0x0132, 0x9003
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4
STEP = Decimal("0.000001")


@dataclass(frozen=True)
class PhotoFacts:
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    camera: str = ""


def read_photo_facts(data: bytes) -> PhotoFacts:
    """The EXIF facts of an image's bytes; empty facts when there are none or it is no image."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            details = exif.get_ifd(EXIF_IFD)
            gps = exif.get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001  (any unreadable image is a photo without facts)
        return PhotoFacts()
    taken = _datetime(details.get(DATETIME_ORIGINAL)) or _datetime(exif.get(DATETIME))
    return PhotoFacts(
        taken_at=taken,
        latitude=_degrees(gps.get(GPS_LAT), gps.get(GPS_LAT_REF), "S", 90),
        longitude=_degrees(gps.get(GPS_LON), gps.get(GPS_LON_REF), "W", 180),
        camera=_camera(exif.get(MAKE), exif.get(MODEL)),
    )


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").replace("\x00", "").strip()


def _datetime(value) -> datetime | None:
    text = _text(value)
    for pattern in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text[:19], pattern)
        except ValueError:
            continue
    return None


def _number(part) -> Decimal:
    if isinstance(part, tuple) and len(part) == 2:  # (numerator, denominator)
        return Decimal(part[0]) / Decimal(part[1])
    if hasattr(part, "numerator") and hasattr(part, "denominator"):
        return Decimal(part.numerator) / Decimal(part.denominator)
    return Decimal(str(part))


def _degrees(value, ref, negative: str, limit: int) -> Decimal | None:
    """(degrees, minutes, seconds) with its hemisphere as decimal degrees."""
    try:
        d, m, s = (_number(p) for p in value)
        result = d + m / 60 + s / 3600
    except (TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return None
    if not 0 <= result <= limit:
        return None
    if _text(ref).upper() == negative:
        result = -result
    return result.quantize(STEP, ROUND_HALF_UP)


def _camera(make, model) -> str:
    make, model = _text(make), _text(model)
    if make and not model.lower().startswith(make.lower()):
        return f"{make} {model}".strip()[:100]
    return model[:100]
