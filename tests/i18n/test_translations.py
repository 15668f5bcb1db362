"""Every string a person sees has a Kazakh and a Russian translation.

Extracts the messages of the whole project with Django's makemessages (in a temporary copy, so the
tree is not touched), merges all of the project's catalogues, and asks GNU gettext's msgcmp
whether every msgid is translated.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KAZAKH_ONLY = set("әғқңөұүһі")

pytestmark = pytest.mark.nodb


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"GNU gettext's {tool} is not installed (apt-get install gettext)")


def _catalogues(language: str) -> list[Path]:
    return sorted(p for p in (ROOT / "kenes").glob(f"**/locale/{language}/LC_MESSAGES/django.po"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _need("xgettext")
    work = tmp_path_factory.mktemp("messages")
    shutil.copytree(
        ROOT / "kenes", work / "kenes", ignore=shutil.ignore_patterns("locale", "migrations", "__pycache__")
    )
    shutil.copytree(ROOT / "templates", work / "templates")
    (work / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "kk",
            "--no-location",
            "--no-wrap",
            "-v",
            "0",
            "--ignore=kenes/nlp/*",
            "--ignore=kenes/data/*",
        ],
        cwd=work,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "kenes.settings", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    # Strings under kenes/ land in kenes/locale (LOCALE_PATHS), the templates' in ./locale: merge.
    outputs = sorted(str(p) for p in work.glob("**/locale/kk/LC_MESSAGES/django.po"))
    assert outputs, "makemessages extracted nothing"
    merged = work / "extracted.po"
    subprocess.run(["msgcat", "--use-first", "-o", str(merged), *outputs], check=True)
    return merged


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_is_translated(extracted: Path, language: str, tmp_path: Path) -> None:
    _need("msgmerge")
    catalogues = _catalogues(language)
    assert catalogues, f"no {language} catalogue in kenes/**/locale"
    merged = tmp_path / "merged.po"
    subprocess.run(["msgcat", "--use-first", "-o", str(merged), *map(str, catalogues)], check=True)
    # Fill the extracted template from our catalogues (exact matches only), then list what is left
    # untranslated or fuzzy.
    filled = tmp_path / "filled.po"
    subprocess.run(
        ["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", str(filled), str(merged), str(extracted)], check=True
    )
    left = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(filled)], capture_output=True, text=True
    ).stdout
    left += subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(filled)], capture_output=True, text=True
    ).stdout
    missing = sorted(set(re.findall(r'^msgid "(.+)"$', left, flags=re.M)))
    assert not missing, f"{len(missing)} messages without a {language} translation: {missing}"


def test_catalogues_compile() -> None:
    _need("msgfmt")
    for catalogue in _catalogues("kk") + _catalogues("ru"):
        result = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{catalogue}: {result.stderr}"


def test_kazakh_catalogues_are_kazakh() -> None:
    """A Kazakh catalogue that never uses a Kazakh-only letter is Russian by mistake."""
    for catalogue in _catalogues("kk"):
        text = catalogue.read_text(encoding="utf-8")
        msgstrs = "".join(re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', text, flags=re.M))
        if len(msgstrs) > 200:
            assert KAZAKH_ONLY & set(msgstrs.lower()), f"{catalogue} has no Kazakh letters"
