import pytest

from countyworks.core.models import Region
from countyworks.core.regions import InvalidRegionCode, level_of, official_code, significant_prefix


@pytest.mark.parametrize(
    ("official", "prefix"),
    [
        ("430000", "43"),
        ("430800", "4308"),
        ("430482", "430482"),
        ("430482100000", "430482100"),
        ("430482100201", "430482100201"),
        ("431302000000", "431302"),
        ("4308", "4308"),
    ],
)
def test_significant_prefix_and_back(official, prefix):
    assert significant_prefix(official) == prefix
    assert significant_prefix(official_code(prefix)) == prefix
    assert len(official_code(prefix)) == (6 if len(prefix) <= 6 else 12)


@pytest.mark.parametrize("bad", ["43a482", "4304821", "", "12345678901"])
def test_bad_codes_are_refused(bad):
    with pytest.raises(InvalidRegionCode):
        significant_prefix(bad)


def test_levels():
    assert [level_of(p) for p in ("43", "4308", "430482", "430482100", "430482100201", "43048210020101")] == [
        "province",
        "city",
        "county",
        "town",
        "village",
        "courtyard",
    ]


@pytest.mark.django_db
def test_national_tree_is_loaded_with_the_five_counties_of_the_article():
    assert Region.objects.filter(level="province").count() == 34
    assert Region.objects.filter(level="county").count() > 2800
    names = dict(
        Region.objects.filter(code__in=["430482", "4308", "430981", "431302", "430523"]).values_list(
            "code", "name"
        )
    )
    assert names == {
        "430482": "常宁市",
        "4308": "张家界市",
        "430981": "沅江市",
        "431302": "娄星区",
        "430523": "邵阳县",
    }
    assert Region.objects.get(code="430482").full_name() == "湖南省衡阳市常宁市"
