"""The library a save's lint suggests from (`adapters.library_of`, issue 16, part 5): read on
every save, kept as the same tuple while its rows are the same, so that its index is built
once (`lint_suggest._index`), and a new tuple as soon as a row changes."""

from jixiao.indicators.models import IndicatorTemplate
from jixiao.indicators.selectors import library_entries
from jixiao.targets import lint_suggest
from jixiao.targets.adapters import library_of


def _template(name: str, region=None) -> IndicatorTemplate:
    return IndicatorTemplate.objects.create(
        region=region, sector="住房城乡建设", category="效益指标", subcategory="社会效益指标",
        name=name, value_hint="≥3000户",
    )  # fmt: skip


def _suggested(library) -> str | None:
    entry = lint_suggest.suggest(library, under=["社会效益指标"], about=["老旧小区改造居住环境"])
    return entry.name if entry else None


def test_the_same_rows_are_the_same_tuple_and_a_changed_row_a_new_one(world):
    national = _template("老旧小区居住环境改善户数")
    first = library_of(world.region)
    assert first == tuple(library_entries(world.region))
    assert library_of(world.region) is first
    assert library_of(world.region_b) is first  # no templates of its own: the national library
    assert _suggested(first) == "老旧小区居住环境改善户数"

    national.name = "老旧小区居住环境改善户数（改造后）"
    national.save()
    changed = library_of(world.region)
    assert changed is not first and changed == tuple(library_entries(world.region))
    assert _suggested(changed) == "老旧小区居住环境改善户数（改造后）"


def test_a_regions_own_templates_make_its_own_library(world):
    _template("老旧小区居住环境改善户数")
    _template("老旧小区改造居住环境满意户数", region=world.region)
    own, other = library_of(world.region), library_of(world.region_b)
    assert own is not other and len(own) == len(other) + 1
    assert own == tuple(library_entries(world.region))
    assert other == tuple(library_entries(world.region_b))
