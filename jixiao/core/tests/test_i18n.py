"""The English catalogue: switching language works, Chinese stays the default, nothing is left
untranslated, and the compiled .mo matches the .po (scripts/update-translations.sh keeps both)."""

import gettext as pygettext
import re
import shutil
from pathlib import Path

import pytest

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE_DIR / "django.po"
MO = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (dict index → text), flags."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def flush():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                flush()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):  # comments, references, obsolete (#~) entries
            continue
        if line.startswith('"'):
            value = _unquote(line[1:-1])
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
            continue
        keyword, _, rest = line.partition(" ")
        value = _unquote(rest.strip()[1:-1])
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid") and ("msgstr" in entry):
            flush()
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            entry[keyword] = value
            field = (keyword, None)
        elif keyword == "msgstr" or match:
            index = int(match.group(1)) if match else 0
            entry.setdefault("msgstr", {})[index] = value
            field = ("msgstr", index)
    flush()
    return [e for e in entries if e["msgid"] != ""]  # drop the header


@pytest.fixture(scope="module")
def entries():
    assert PO.exists(), "run scripts/update-translations.sh to create the English catalogue"
    return read_po(PO)


# --- the catalogue ------------------------------------------------------------------------------


def test_catalogue_covers_python_and_templates(entries):
    references = PO.read_text(encoding="utf-8")
    assert len(entries) > 100
    assert re.search(r"^#: .*\b\w+/\w+\.py\b", references, re.M)  # Python sources
    assert re.search(r"^#: .*\btemplates/[\w/]+\.html\b", references, re.M)  # templates


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (CI installs it)")
def test_every_string_of_the_code_is_in_the_catalogue(entries, tmp_path, monkeypatch):
    """The strings marked for translation in the code and templates, extracted afresh the way
    scripts/update-translations.sh does, are all in the committed catalogue: a string added
    without running the script stays Chinese on every English page, and the other checks here
    only read the catalogue. (The package is reached through a link and its locale folder is
    skipped, so that makemessages writes into the temporary folder, never the real catalogue.
    A copy, not a link: makemessages writes a `.html.py` beside each template while it reads it,
    which through a link appeared in the real tree for a moment, where a test reading the
    package's modules at the same time in another worker found it, then not.)"""
    from django.core.management import call_command
    from django.test import override_settings

    skip = shutil.ignore_patterns("static", "tests", "locale", "__pycache__", "*.pyc", "*.mo")
    shutil.copytree(PO.parents[3], tmp_path / "src" / "jixiao", ignore=skip)
    monkeypatch.chdir(tmp_path)
    before = PO.read_bytes()
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command(
            "makemessages", locale=["en"], no_obsolete=True, verbosity=0,
            # "locale" too: a locale folder met on the way would become the output
            ignore_patterns=["static", "tests", "node_modules", ".venv", "locale"],
        )  # fmt: skip
    assert PO.read_bytes() == before, "the real catalogue must never be written by this test"
    fresh = read_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert len(fresh) > 0.9 * len(entries), "the extraction found too few strings to compare"

    def key(e):
        return (e.get("msgctxt"), e["msgid"])

    missing = sorted({key(e) for e in fresh} - {key(e) for e in entries})
    assert not missing, (
        "strings of the code missing from the catalogue (run scripts/update-translations.sh "
        f"and translate them): {missing[:10]}"
    )


def test_every_msgid_has_a_translation(entries):
    untranslated = [
        e["msgid"]
        for e in entries
        if not e.get("msgstr") or not all(v.strip() for v in e["msgstr"].values())
    ]
    assert not untranslated, (
        "untranslated strings in jixiao/locale/en/LC_MESSAGES/django.po "
        f"(translate them, then run scripts/update-translations.sh): {untranslated}"
    )


def test_no_fuzzy_entries(entries):
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", ())]
    assert not fuzzy, f"fuzzy entries are ignored by Django; review them and drop the flag: {fuzzy}"


def test_plural_entries_have_both_english_forms(entries):
    plurals = [e for e in entries if "msgid_plural" in e]
    for e in plurals:
        assert sorted(e["msgstr"]) == [0, 1], e["msgid"]


def test_placeholders_are_kept(entries):
    wrong = []
    for e in entries:
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        for text in e["msgstr"].values():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((e["msgid"], text))
    assert not wrong, wrong


def test_compiled_catalogue_matches_the_po(entries):
    assert MO.exists(), "django.mo is missing: run scripts/update-translations.sh"
    with MO.open("rb") as f:
        catalog = pygettext.GNUTranslations(f)._catalog
    stale = []
    for e in entries:
        key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            got = {i: catalog.get((key, i)) for i in e["msgstr"]}
        else:
            got = {0: catalog.get(key)}
        if got != e["msgstr"]:
            stale.append(e["msgid"])
    assert not stale, f"django.mo is out of date: run scripts/update-translations.sh ({stale[:5]})"


# --- the running site ---------------------------------------------------------------------------


def _h1(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match, "page has no <h1>"
    return match.group(1)


def test_default_language_is_chinese(world, client_for):
    html = client_for("filer").get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作台" in _h1(html)
    assert "Dashboard" not in html


def test_filer_switches_to_english(world, client_for):
    client = client_for("filer")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/projects/").content.decode()
    assert '<html lang="en">' in html
    h1 = _h1(html)
    assert h1.startswith("Projects")
    assert "项目" not in h1
    for text in (
        "Budget unit",
        "Project code",
        "Project kind",
        "Initial budget",
        "Full-year budget",
        "Amounts in 10k CNY",
        "Filter",
        "Export to Excel",
        "Sign out",
    ):
        assert text in html, text
    assert "筛选" not in html and "年初预算" not in html

    home = client.get("/").content.decode()
    assert "Dashboard" in _h1(home) and "工作台" not in home


def test_switching_back_to_chinese(world, client_for):
    client = client_for("filer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert _h1(client.get("/projects/").content.decode()).startswith("项目")


def test_a_form_labels_colon_is_chinese_in_chinese_and_plain_in_english(world, client_for):
    office = client_for("performance")
    assert (
        '<label for="id_year">项目年度：</label>'
        in office.get("/fund-actions/new/").content.decode()
    )
    office.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = office.get("/fund-actions/new/").content.decode()
    assert re.search(r'<label for="id_year">[A-Za-z ]+:</label>', html)
