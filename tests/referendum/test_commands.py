"""Management commands: setup, import, recount (with --check)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kenes.nlp import tally
from kenes.referendum import actions
from kenes.referendum.models import Commission, Protocol, Referendum, Tally

pytestmark = pytest.mark.django_db


def test_setup_creates_a_referendum(db: Any) -> None:
    out = StringIO()
    call_command("referendum_setup", "r1", "--date", "2026-03-15", "--title-kk", "Референдум", "--title-ru", "Референдум",
                 "--question-kk", "Келісесіз бе?", "--question-ru", "Согласны ли вы?", "--constitutional", stdout=out)
    referendum = Referendum.objects.get(slug="r1")
    assert referendum.territorial_rule and referendum.questions.count() == 1
    assert Commission.objects.filter(referendum=referendum).count() == 245
    with pytest.raises(CommandError):
        call_command("referendum_setup", "r1", "--date", "2026-03-15", "--title-kk", "x", "--title-ru", "x",
                     "--question-kk", "x", "--question-ru", "x")


def test_import_then_recount_check(tree: dict[str, Any], good: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(",".join(actions.IMPORT_COLUMNS) + "\n"
                    + ",".join(["101", "1", *(str(good[n]) for n in tally.FIELDS), ""]) + "\n"
                    + ",".join(["nope", "1", *(str(good[n]) for n in tally.FIELDS), ""]) + "\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("referendum_import", "ref-2026", str(path), "--user", tree["operator_a"].username, stdout=out, stderr=err)
    assert "created 1" in out.getvalue() and "rejected 1" in out.getvalue() and "row 3" in err.getvalue()
    assert Protocol.objects.count() == 1
    out = StringIO()
    call_command("referendum_recount", "ref-2026", "--check", stdout=out)
    assert "0 differences" in out.getvalue()
    Tally.objects.filter(commission=tree["atyrau"]).update(found=1)
    with pytest.raises(CommandError):
        call_command("referendum_recount", "ref-2026", "--check", stdout=StringIO())
    call_command("referendum_recount", "ref-2026", stdout=StringIO())
    assert Tally.objects.get(commission=tree["atyrau"]).found == 715
    with pytest.raises(CommandError):
        call_command("referendum_import", "ref-2026", str(tmp_path / "missing.csv"), "--user", tree["operator_a"].username)
    with pytest.raises(CommandError):
        call_command("referendum_recount", "nope")


def test_precinct_table(referendum: Any, tmp_path: Path) -> None:
    from django.utils import translation

    translation.activate("en")
    path = tmp_path / "precincts.csv"
    path.write_text("number;district;address;voters\n"
                    "1;231000000;Атырау, Абай к-сі 1;1200\n"
                    "2;231000000;<script>x</script>;900\n"
                    "3;999;nowhere;10\n"           # unknown district
                    "x;231000000;bad;10\n"         # not a number
                    "1;231000000;again;5\n"        # twice in the file
                    "4;431000000;Қызылорда;-5\n",  # negative list
                    encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("referendum_precincts", referendum.slug, str(path), stdout=out, stderr=err)
    assert "created 2" in out.getvalue() and "rejected 4" in out.getvalue()
    assert [line.split(":")[0] for line in err.getvalue().splitlines()] == ["row 4", "row 5", "row 6", "row 7"]
    precinct = Commission.objects.get(referendum=referendum, code="1")
    assert precinct.parent.code == "231000000" and precinct.region == "atyrau" and precinct.voters == 1200
    path.write_text("number,district,address,voters\n1,231000000,Атырау,1300\n2,431000000,x,1\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("referendum_precincts", referendum.slug, str(path), stdout=out, stderr=err)
    assert "updated 1" in out.getvalue() and "another district" in err.getvalue()
    assert Commission.objects.get(referendum=referendum, code="1").voters == 1300
