"""The English menu names its lists in the plural ("Monitoring rounds"), where the same words
name one record elsewhere ("Budget unit" as a column); the Chinese menu is unchanged."""

from django.test import Client


def menu_of(world, username: str, language: str) -> str:
    client = Client()
    client.force_login(world.users[username])
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/").content.decode()
    return html.split('id="sidemenu"', 1)[1].split("</aside>", 1)[0]


def test_the_english_menu_names_lists_in_the_plural(world):
    menu = menu_of(world, "performance", "en")
    for label in (
        "Budget units",
        "Budget years",
        "Monitoring rounds",
        "Monitoring reports",
        "Project self-evaluations",
        "Whole-unit evaluations",
        "Third-party agencies",
        "Rectifications",
        "Unit assessments",
    ):
        assert f">{label}<" in menu, label


def test_the_chinese_menu_keeps_its_words(world):
    menu = menu_of(world, "performance", "zh-hans")
    for label in ("预算单位", "监控批次", "项目自评", "整改管理", "部门绩效管理考核"):
        assert f">{label}<" in menu, label
