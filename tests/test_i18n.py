"""The Simplified Chinese catalogue is complete for what exists and compiled up to date."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_source():
    catalogue = polib.pofile(str(PO))
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    source = {e.msgid: e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural}
    built = {e.msgid: e.msgstr for e in compiled if not e.msgid_plural and e.msgid}
    assert source == built, "run `make messages` to recompile locale/zh_Hans"


def test_catalogue_covers_every_marked_string():
    """Every string marked for translation in our code appears in the catalogue."""
    import ast

    marked: set[str] = set()
    for path in list((ROOT / "staffing").rglob("*.py")) + list((ROOT / "scheduler").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "gettext", "gettext_lazy")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                marked.add(node.args[0].value)
    catalogue = {entry.msgid for entry in polib.pofile(str(PO))}
    assert sorted(marked - catalogue) == []


@pytest.mark.django_db
def test_messages_render_in_chinese():
    from staffing.services.leave import END_BEFORE_START

    with translation.override("zh-hans"):
        text = str(END_BEFORE_START)
    assert text != "The last day cannot be before the first day."
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
