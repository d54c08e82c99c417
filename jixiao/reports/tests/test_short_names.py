"""A unit's name on a chart's axis: the region's names dropped, the party committee's level kept."""

import pytest

from jixiao.reports.dashboards import shorten

DISTRICT = ["江西省", "南昌市", "东湖区"]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("南昌市东湖区教育体育局", "教育体育局"),
        ("中共南昌市东湖区委宣传部", "区委宣传部"),
        ("中共南昌市东湖区委办公室", "区委办公室"),
        ("中共南昌市东湖区委党校", "区委党校"),
        ("中共南昌市东湖区纪律检查委员会", "中共纪律检查委员会"),
        ("政协南昌市东湖区委员会办公室", "政协委员会办公室"),
        ("南昌市东湖区人大常委会办公室", "人大常委会办公室"),
        ("南昌市东湖区人民政府办公室", "人民政府办公室"),
    ],
)
def test_a_district_units_name_loses_the_regions_and_keeps_the_committees_level(name, short):
    assert shorten(name, DISTRICT) == short


def test_a_county_and_a_province_keep_their_own_level():
    assert shorten("中共修水县委组织部", ["江西省", "九江市", "修水县"]) == "县委组织部"
    assert shorten("中共江西省委宣传部", ["江西省"]) == "省委宣传部"


def test_a_name_that_is_only_the_region_or_without_region_names_stays_whole():
    assert shorten("东湖区", DISTRICT) == "东湖区"
    assert shorten("某某协会", DISTRICT) == "某某协会"
    assert shorten("南昌市东湖区教育体育局", []) == "南昌市东湖区教育体育局"
