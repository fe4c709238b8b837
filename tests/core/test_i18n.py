"""English is available through the language cookie; Vietnamese stays the default, figures stay Vietnamese-formatted.
The English catalogue keeps up with the sources: every string marked for translation has an English msgstr."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

import thidua

LOCALE = Path(thidua.__file__).parent / "locale" / "en" / "LC_MESSAGES"
NO_GETTEXT = not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq", "msgfmt"))


@pytest.mark.django_db
@pytest.mark.integration  # the page tests run on the reference scenario; the catalogue test needs no database
def test_dashboard_in_english_with_the_language_cookie(province_officer, cluster_year_2018):
    province_officer.cookies["django_language"] = "en"
    response = province_officer.get(f"/cum/{cluster_year_2018.pk}/")
    html = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "Indicator results" in html and "Kết quả thực hiện chỉ tiêu" not in html
    assert "26.174" in html  # the vn filters format figures the Vietnamese way in every language


@pytest.mark.django_db
@pytest.mark.integration
def test_dashboard_in_vietnamese_without_the_cookie(province_officer, cluster_year_2018):
    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Kết quả thực hiện chỉ tiêu" in html and "Indicator results" not in html
    assert "26.174" in html


@pytest.mark.django_db
@pytest.mark.integration
def test_language_switcher_sets_the_cookie_and_returns_to_the_page(province_officer, cluster_year_2018):
    url = f"/cum/{cluster_year_2018.pk}/"
    html = province_officer.get(url).content.decode()
    assert 'action="/i18n/setlang/"' in html and f'name="next" value="{url}"' in html
    response = province_officer.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302 and response.url == url
    assert province_officer.cookies["django_language"].value == "en"
    assert "Indicator results" in province_officer.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.integration
def test_english_pages_name_awards_in_english_and_the_catalogue_is_complete(province_officer, cluster_year_2018):
    province_officer.cookies["django_language"] = "en"
    html = province_officer.get("/khen-thuong/?award_type=CO_CP").content.decode()
    assert "Government Emulation Flag" in html and "Cờ thi đua của Chính phủ</td>" not in html
    # Every entry of the catalogue is translated (no empty msgstr) and compiled into the .mo the server reads.
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    entries = po.split("\n\n")[1:]
    empty = [e for e in entries if e.rstrip().endswith('msgstr ""') and not e.lstrip().startswith("#~")]
    assert not empty, empty[:3]
    mo = gettext.GNUTranslations(open(LOCALE / "django.mo", "rb"))
    assert mo.gettext("Phiếu trắng: không chọn đơn vị nào.") == "Blank ballot: no member chosen."
    assert mo.gettext("Mở, đóng trình đơn") == "Open or close the menu"


@pytest.mark.django_db
@pytest.mark.integration
def test_vietnamese_pages_keep_the_vietnamese_award_names(province_officer, cluster_year_2018):
    html = province_officer.get("/khen-thuong/?award_type=CO_CP").content.decode()
    assert "Cờ thi đua của Chính phủ" in html and "Government Emulation Flag</td>" not in html


def _untranslated(po: str) -> list[str]:
    """The msgctxt and msgid of each entry of a .po that is fuzzy or has an empty msgstr (or msgstr[n])."""
    missing = []
    for entry in po.split("\n\n")[1:]:  # the first block is the header
        lines = entry.strip().splitlines()
        if not lines or lines[0].startswith("#~"):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        # An empty translation: a msgstr line of "" with no continuation line after it.
        empty = re.search(r'^msgstr(\[\d+\])? ""\n(?!")', entry.strip() + "\n", re.MULTILINE)
        if fuzzy or empty:
            head = [line for line in lines if not line.startswith("#")]
            missing.append(" ".join(head[:next(i for i, line in enumerate(head) if line.startswith("msgstr"))]))
    return missing


@pytest.mark.skipif(NO_GETTEXT, reason="makemessages and msgfmt need the gettext tools (apt-get install gettext)")
def test_the_catalogue_translates_every_string_the_sources_mark(tmp_path, monkeypatch, settings):
    """makemessages, run on a copy of the sources as a developer runs it, merges the committed catalogue with the
    strings in the code and templates: a string added or changed since comes back empty or `#, fuzzy` (a guessed,
    usually wrong, English text). Neither may remain; the committed .mo must hold every translation of the .po."""
    source = Path(thidua.__file__).parent
    copy = tmp_path / "thidua"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("migrations", "static", "__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]  # the real setting names the committed catalogue, which must not move
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_obsolete=True, ignore_patterns=["migrations/*"], verbosity=0)
    merged = (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    missing = _untranslated(merged)
    assert not missing, f"{len(missing)} strings without an English translation (run makemessages, see README): " \
                        + "; ".join(missing[:10])

    # The server reads the .mo: it must be compiled from the committed .po as it stands.
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(LOCALE / "django.po")], check=True)
    with open(compiled, "rb") as fresh, open(LOCALE / "django.mo", "rb") as committed:
        want, have = gettext.GNUTranslations(fresh)._catalog, gettext.GNUTranslations(committed)._catalog
    stale = sorted((key for key in want.keys() | have.keys() if want.get(key) != have.get(key)), key=str)
    assert not stale, f"django.mo is not compiled from django.po (msgfmt -o django.mo django.po): {stale[:5]}"
