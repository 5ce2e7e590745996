"""The English catalogue is complete: every interface string has a translation, none is
fuzzy, placeholders match, and the compiled catalogue is not older than its source."""

from pathlib import Path

import polib

import louyu

PO = Path(louyu.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


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
