"""Ingesting news files (kenes.media.actions, `kenes news ingest`)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kenes.media.actions import ingest_bytes, ingest_path
from kenes.media.models import ExtractedProposal, NewsArticle, NewsArticleSource, NewsSource, fingerprint
from tests.conftest import shared_path

pytestmark = pytest.mark.django_db

STORY = ("Қызылордада өңірлік коалиция құрылды. Оған саяси партиялардың өңірлік филиалдары, қоғамдық ұйымдар, "
         "зиялы қауым және жастар өкілдері қатысты. Коалиция құрамына 300-ден астам қоғамдық ұйым енді, "
         "200-ден аса ерікті жұмыс істейді. Алдағы кезеңге 695 іс-шарадан тұратын жоспар әзірленді.")


def html_page(outlet: str, url: str, body: str = STORY) -> bytes:
    return (f'<html><head><meta charset="utf-8"><meta property="og:site_name" content="{outlet}">'
            f'<meta property="og:url" content="{url}"><meta property="article:published_time" content="2026-02-13">'
            f"</head><body><nav>Мәзір Басты бет</nav><article><h1>Қызылордада коалиция құрылды</h1>"
            f"<p>{body}</p></article><footer>© {outlet}</footer></body></html>").encode()


def run(*paths: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("news", "ingest", *[str(p) for p in paths], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_seeds_are_stored_once_and_reingesting_changes_nothing() -> None:
    seeds = shared_path("seeds")
    out, err = run(seeds)
    assert "5 new articles" in out and err == ""
    assert NewsArticle.objects.count() == 5
    zhambyl = NewsArticle.objects.in_region("zhambyl").get()
    assert zhambyl.date.isoformat() == "2026-02-17"
    assert zhambyl.facts["districts"] == ["Қордай ауданы", "Талас ауданы", "Байзақ ауданы", "Жамбыл ауданы"]
    assert NewsSource.objects.filter(name="BAQ.KZ").exists()
    proposal = ExtractedProposal.objects.get()
    assert (proposal.author_organization, proposal.article_number) == ("БАЙТАҚ", 8)
    before = (NewsArticle.objects.count(), NewsArticleSource.objects.count(), ExtractedProposal.objects.count())
    out, _ = run(seeds)
    assert "0 new articles" in out and "5 unchanged" in out
    assert (NewsArticle.objects.count(), NewsArticleSource.objects.count(), ExtractedProposal.objects.count()) \
        == before


def test_a_reprint_is_stored_once_with_all_its_sources(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(html_page("Outlet A", "https://a.example.kz/1",
                                                STORY + " Бұл туралы деп хабарлайды A.KZ"))
    (tmp_path / "b.html").write_bytes(html_page("Outlet B", "https://b.example.kz/9",
                                                STORY.upper().replace(".", " .") + " Бұл туралы деп хабарлайды B.KZ"))
    out, _ = run(tmp_path)
    assert "1 new articles, 1 new sources" in out
    article = NewsArticle.objects.get()
    assert sorted(s.source.name for s in article.sources.all()) == ["Outlet A", "Outlet B"]
    assert article.regions == ["kyzylorda"]
    run(tmp_path)
    assert NewsArticleSource.objects.count() == 2


def test_fingerprint_ignores_case_punctuation_and_attribution() -> None:
    assert fingerprint("A", STORY) == fingerprint("B", STORY.upper() + " — деп хабарлайды Kazinform")
    assert fingerprint("A", STORY) != fingerprint("A", STORY.replace("695", "696"))


def test_broken_files_are_reported_and_the_rest_goes_in(tmp_path: Path) -> None:
    (tmp_path / "1_empty.txt").write_bytes(b"")
    (tmp_path / "2_binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "3_broken.html").write_bytes("<html><body><p>Қарағандыда жастар форумы өтті, оған 100-ден астам студент қатысты<div><p>ары қарай".encode())
    (tmp_path / "4_cp1251.txt").write_bytes(
        " date 2026-02-18 В Караганде прошла встреча\nВо встрече приняли участие более 50 человек.".encode("cp1251"))
    (tmp_path / "5_mislabelled.html").write_bytes(
        '<html><head><meta charset="utf-8"></head><body><p>В Атырау прошел форум волонтеров, собрались '
        "около 300 человек.</p></body></html>".encode("cp1251"))
    (tmp_path / "6_bad.xml").write_bytes(b"<?xml version='1.0'?><rss><channel><item><title>x</item>")
    out, err = run(tmp_path)
    assert "1_empty.txt: skipped: empty file" in err
    assert "2_binary.txt: skipped" in err
    assert "6_bad.xml: skipped: broken XML" in err
    assert "3 new articles" in out and "3 files skipped" in out
    regions = sorted(r for a in NewsArticle.objects.all() for r in a.regions)
    assert regions == ["atyrau", "karaganda", "karaganda"]
    cp1251 = NewsArticle.objects.get(title="В Караганде прошла встреча")
    assert cp1251.facts["figures"][0]["value"] == 50


def test_feed_and_jsonl_give_one_article_per_item(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>Шымкентте форум өтті</title><link>https://w.kz/1</link><description>Форумға 2 мыңнан астам жас "
        "қатысты.</description><pubDate>Thu, 05 Mar 2026 10:00:00 +0500</pubDate></item>"
        "<item><title>В Павлодаре прошел круглый стол</title><link>https://w.kz/2</link><description>Около 60 "
        "человек обсудили проект.</description></item></channel></rss>", encoding="utf-8")
    lines = tmp_path / "items.jsonl"
    lines.write_text('{"id": "j1", "title": "Ақтауда кездесу", "body": "Ақтауда тұрғындармен кездесу өтті.", '
                     '"url": "https://j.kz/1", "outlet": "J"}\n{broken\n', encoding="utf-8")
    _, err = run(feed, lines)
    assert sorted(a.regions[0] for a in NewsArticle.objects.all()) == ["pavlodar", "shymkent"]
    assert "items.jsonl: skipped: line 2" in err


def test_one_bad_story_in_a_file_does_not_stop_the_others(monkeypatch: Any) -> None:
    from kenes.media import actions

    real = actions.extract
    calls = {"n": 0}

    def flaky(raw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("cannot read this story")
        return real(raw)

    monkeypatch.setattr(actions, "extract", flaky)
    data = ('{"id": "a", "title": "Ақтауда кездесу", "body": "Ақтауда кездесу өтті."}\n'
            '{"id": "b", "title": "Оралда форум", "body": "Оралда форум өтті."}\n').encode()
    report = ingest_bytes(name="x.jsonl", data=data)
    assert report.created == 1
    assert report.errors == ["a: cannot read this story"]


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    assert ingest_path(path=tmp_path / "nope.txt").error
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 5_000_001)
    assert "larger" in ingest_path(path=big).error


def test_command_fails_when_no_file_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    with pytest.raises(CommandError):
        run(tmp_path / "e.txt")


def test_a_lightly_edited_reprint_joins_the_stored_story() -> None:
    from kenes.media.actions import ingest_document
    from kenes.nlp.news_io import RawDocument

    first = ingest_document(raw=RawDocument("a.txt", "Қызылордада коалиция құрылды", STORY, "2026-02-13", outlet="A"))
    edited = STORY + " Коалиция жұмысы туралы толығырақ облыс әкімдігінің сайтында жазылған."
    second = ingest_document(raw=RawDocument("b.txt", "Өңірлік коалиция құрылды", edited, "2026-02-14", outlet="B"))
    assert (second.article.pk, second.created, second.source_added) == (first.article.pk, False, True)
    other = ingest_document(raw=RawDocument("c.txt", "Атырауда форум", "Атырауда жастар форумы өтті. " * 8 +
                                            "Оған 300-ден астам жас қатысты.", "2026-02-13", outlet="A"))
    assert other.created
    far = ingest_document(raw=RawDocument("d.txt", "Қызылордада коалиция құрылды", edited, "2026-05-01"))
    assert far.created  # the same words months later are a new story
