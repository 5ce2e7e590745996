"""The English catalogue is complete: every interface string has a translation, none is
fuzzy, placeholders match, and the compiled catalogue is not older than its source."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import louyu

PACKAGE = Path(louyu.__file__).parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(PO))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert missing == []
    assert fuzzy == []


def test_placeholders_match():
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for entry in polib.pofile(str(PO)).translated_entries():
        wanted = set(pattern.findall(entry.msgid))
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in translations:
            assert set(pattern.findall(text)) <= wanted | set(
                pattern.findall(entry.msgid_plural or "")
            ), entry.msgid


def test_compiled_catalogue_is_fresh():
    mo = PO.with_suffix(".mo")
    assert mo.exists()
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo)) if e.msgstr}
    source = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in polib.pofile(str(PO)).translated_entries()
        if e.msgstr
    }
    assert compiled == source


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msguniq") is None,
    reason="makemessages needs the GNU gettext tools",
)
def test_every_message_in_the_source_has_an_english_translation(tmp_path):
    """Extracts the messages exactly as ``make messages`` does, but from a copy of the
    package into a fresh catalogue (so nothing is merged or marked fuzzy), and requires each
    one, with its context, to be translated in the committed catalogue: a new string that
    nobody added to django.po would otherwise show Chinese in the English interface."""
    copy = tmp_path / "louyu"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("tests", "locale", "static", "__pycache__", "*.pyc"),
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "louyu.settings",
        "PYTHONPATH": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--ignore=tests"],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    translated = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)).translated_entries()}
    missing = [
        f"{' '.join(f'{path}:{line}' for path, line in e.occurrences)} {e.msgid!r}"
        for e in extracted
        if (e.msgctxt, e.msgid) not in translated
    ]
    assert len(extracted) > 1000, "makemessages found too few messages"
    assert not missing, f"{len(missing)} messages have no English translation:\n" + "\n".join(
        missing
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs the GNU gettext tools")
def test_the_catalogue_passes_msgfmt_check():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


REFERENCE_LABELS = [
    "complaints.Category",
    "workplans.MeasureKind",
    "reporting.ReportPolicy",
    "inspections.ChecklistVersion",
    "inspections.ChecklistItem",
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", REFERENCE_LABELS)
def test_every_shipped_reference_row_has_an_english_label(model):
    from django.apps import apps
    from django.utils import translation

    rows = list(apps.get_model(model).objects.all())
    assert rows, f"{model}: no reference rows shipped"
    assert [str(row) for row in rows if not row.name_en.strip()] == []
    with translation.override("en"):
        assert all(row.label == row.name_en for row in rows)
    with translation.override("zh-hans"):
        assert all(row.label == getattr(row, row.label_field) for row in rows)
