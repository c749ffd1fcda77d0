"""Every user-visible string is translatable and the four catalogues are complete and compiled."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import skip_or_fail

SRC = Path(__file__).resolve().parents[2] / "src" / "querela"
LOCALE = SRC / "locale"


def _msgfmt() -> str:
    exe = shutil.which("msgfmt")
    if exe is None:
        skip_or_fail("msgfmt not found: install Debian's gettext package (apt-get install gettext)")
    return str(exe)


def _msgids(po: Path) -> set[str]:
    text = po.read_text(encoding="utf-8")
    ids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text + "\n", flags=re.M):
        ids.add("".join(re.findall(r'"(.*)"', block)))
    return ids - {""}


@pytest.mark.parametrize("lang", ["hu", "pl", "ro"])
def test_catalogue_is_complete(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    out = subprocess.run(
        [_msgfmt(), "--check-format", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "untranslated" not in out.stderr and "fuzzy" not in out.stderr, out.stderr


@pytest.mark.parametrize("lang", ["hu", "pl", "ro", "en"])
def test_compiled_catalogue_matches_its_source(lang, tmp_path):
    folder = LOCALE / lang / "LC_MESSAGES"
    subprocess.run([_msgfmt(), "-o", str(tmp_path / "fresh.mo"), str(folder / "django.po")], check=True)
    with open(tmp_path / "fresh.mo", "rb") as fresh, open(folder / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog, (
            "run: make messages"
        )


def test_catalogues_hold_every_string_in_the_code(tmp_path):
    _msgfmt()
    copy = tmp_path / "querela"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "hu",
            "--no-location",
            "--no-obsolete",
            "--settings=querela.settings.test",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = _msgids(copy / "locale" / "hu" / "LC_MESSAGES" / "django.po")
    committed = _msgids(LOCALE / "hu" / "LC_MESSAGES" / "django.po")
    assert fresh - committed == set(), "strings missing from the catalogues: run `make messages` and translate"
