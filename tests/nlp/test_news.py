"""News extraction (kenes.nlp.news, kenes.nlp.news_io): no database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.nlp import news
from kenes.nlp.news import extract, extract_file
from kenes.nlp.news_io import NewsFormatError, RawDocument, decode, read_documents
from tests.conftest import shared_path

DATA = Path(__file__).resolve().parent.parent / "data" / "news"


def doc(body: str, title: str = "", date: str = "2026-03-01") -> dict[str, Any]:
    return extract(RawDocument("t.txt", title, body, date))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kenes.cli", "news", "extract", *args],
                          capture_output=True, text=True, check=False)


def score(prediction: list[dict[str, Any]], gold_path: Path, tmp_path: Path) -> dict[str, Any]:
    scorer = shared_path("tools", "score_news.py")
    out = tmp_path / "prediction.json"
    out.write_text(json.dumps(prediction, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(scorer), str(out), str(gold_path), "--json"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


# ------------------------------------------------------------- scores against annotations

def test_seeds_score_at_least_0_9(tmp_path: Path) -> None:
    seeds = sorted(shared_path("seeds").glob("*.txt"))
    prediction = [d for path in seeds for d in extract_file(path)]
    result = score(prediction, shared_path("data", "gold", "seeds_news.json"), tmp_path)
    assert result["missing_documents"] == []
    assert result["overall"] >= 0.9


def test_own_articles_score_at_least_0_9(tmp_path: Path) -> None:
    paths = sorted(DATA.glob("*.txt"))
    assert len(paths) >= 20
    prediction = [d for path in paths for d in extract_file(path)]
    result = score(prediction, DATA / "expected.json", tmp_path)
    assert result["missing_documents"] == []
    assert result["overall"] >= 0.9
    assert result["regions"]["f1"] >= 0.95


def test_held_out_articles_score_at_least_0_85(tmp_path: Path) -> None:
    paths = sorted((DATA / "heldout").glob("*.txt"))
    prediction = [d for path in paths for d in extract_file(path)]
    assert score(prediction, DATA / "heldout" / "expected.json", tmp_path)["overall"] >= 0.85


def expected_documents() -> list[dict[str, Any]]:
    return json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["documents"]


@pytest.mark.parametrize("expected", expected_documents(), ids=lambda d: d["file"])
def test_own_article_location_date_and_language(expected: dict[str, Any]) -> None:
    """Without the shared scorer: where, when and in which language, article by article."""
    (result,) = extract_file(DATA / expected["file"])
    assert result["regions"] == expected["regions"]
    assert result["date"] == expected["date"]
    assert result["language"] == expected["language"]
    assert result["formats"] == expected["formats"]
    assert {json.dumps(f, sort_keys=True) for f in expected["figures"]} <= {
        json.dumps({k: f[k] for k in ("value", "qualifier", "unit")}, sort_keys=True) for f in result["figures"]}


# ------------------------------------------------------------- single facts

def test_people_come_back_in_the_nominative() -> None:
    result = doc("Облыстық орталықтың директоры Асқар Нұрланұлының айтуынша, жоба маңызды. "
                 "Мемлекет басшысы Қасым-Жомарт Тоқаевтың бастамасы қолдау тапты. "
                 "Мәжіліс төрағасы Ерлан Қошанов бастаған топ келді.")
    names = [p["name"] for p in result["people"]]
    assert names == ["Асқар Нұрланұлы", "Қасым-Жомарт Тоқаев", "Ерлан Қошанов"]
    assert result["people"][1]["role"] == "Мемлекет басшысы"
    assert result["people"][2]["role"] == "Мәжіліс төрағасы"


def test_russian_names_in_oblique_cases() -> None:
    result = doc("Выступление Ерлана Кошанова вызвало вопросы. Председатель маслихата Айгуль Серикова ответила.",
                 title="Встреча в Караганде")
    assert [p["name"] for p in result["people"]] == ["Ерлан Кошанов", "Айгуль Серикова"]


def test_name_broken_after_a_hyphen_is_rejoined() -> None:
    (raw,) = read_documents("x.txt", " date 2026-02-04 Тақырып\nМемлекет басшысы Қасым- Жомарт Тоқаевтың сөзі".encode())
    assert "Қасым-Жомарт" in raw.body
    assert extract(raw)["people"][0]["name"] == "Қасым-Жомарт Тоқаев"


def test_organizations() -> None:
    result = doc("«Казфосфат» ЖШС ұжымымен кездесу өтті. ТОО «Береке Агро» қызметкерлері қатысты. "
                 "Amanat партиясы мен «Ақ жол» Демократиялық партиясы өкілдері сөйледі. "
                 "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігінің өкілі келді. "
                 "Конституциялық реформа жөніндегі комиссияның мүшесі сөз алды.")
    assert result["organizations"] == ["Казфосфат", "Береке Агро", "Amanat", "Ақ жол",
                                       "Еңбек және халықты әлеуметтік қорғау министрлігі",
                                       "Конституциялық реформа жөніндегі комиссия"]


def test_a_quoted_topic_is_not_an_organization() -> None:
    result = doc("«Жаңа Конституция: өңірлердің рөлі» тақырыбындағы дөңгелек үстел өтті.")
    assert result["organizations"] == []
    assert result["event_types"] == ["round_table"]


def test_dates_mentioned_take_the_year_from_the_article() -> None:
    kk = doc("Тұрғындар 15 наурыздағы референдумға қатысатынын айтты.", date="2026-03-03")
    ru = doc("Напомним, голосование на референдуме 15 марта пройдет по всей стране.", date="2027-01-10")
    assert [(d["date"], d["what"]) for d in kk["dates_mentioned"]] == [("2026-03-15", "referendum")]
    assert [(d["date"], d["what"]) for d in ru["dates_mentioned"]] == [("2027-03-15", "referendum")]


def test_impossible_dates_are_ignored() -> None:
    assert doc("31 ақпандағы референдум")["dates_mentioned"] == []


def test_proposals_stated_in_the_news() -> None:
    result = doc("Осыған байланысты «БАЙТАҚ» партиясы Конституцияның 8-бабында «Экология және адам денсаулығы» "
                 "ұғымын жеке тармақпен бекітуді ұсынды.")
    (proposal,) = result["proposals"]
    assert proposal["author_organization"] == "БАЙТАҚ"
    assert proposal["article"] == 8
    assert proposal["text"] == "Экология және адам денсаулығы"
    assert result["article_refs"] == [8]


def test_received_proposals_are_not_a_proposal() -> None:
    assert doc("e-Otinish платформасы арқылы мыңнан астам ұсыныс түсті.")["proposals"] == []


@pytest.mark.parametrize(("text", "formats"), [
    ("Жиын офлайн және онлайн форматта өтті.", ["hybrid"]),
    ("Встреча прошла онлайн через Zoom.", ["online"]),
    ("Кездесу Атырауда өтті.", ["offline"]),
    ("Заседание прошло в смешанном формате.", ["hybrid"]),
])
def test_formats(text: str, formats: list[str]) -> None:
    assert doc(text)["formats"] == formats


def test_plans_are_not_events() -> None:
    result = doc("Жоспар аясында тұрғындармен кездесулер мен түсіндіру жұмыстары ұйымдастырылады.")
    assert "explanatory_work" not in result["event_types"]
    assert result["audiences"] == []


def test_a_place_in_a_job_title_is_not_where_the_event_was() -> None:
    result = doc("Пленарлық отырысқа Алматы қалалық филиалының төрағасы қатысты.",
                 title="Астана қаласында пленарлық отырыс өтті")
    assert result["regions"] == ["astana"]


def test_language_detection() -> None:
    assert doc("Қызылордада өңірлік коалиция құрылды, оған жастар қатысты.")["language"] == "kk"
    assert doc("В области Жетісу прошел форум волонтеров «Біз біргеміз».")["language"] == "ru"


def test_spans_are_offsets_into_title_and_body() -> None:
    title, body = "Қызылордада коалиция құрылды", "Оған 200-ден аса ерікті қатысты. Ерлан Қошанов сөйледі."
    result = extract(RawDocument("a.txt", title, body, "2026-02-13"))
    text = title + "\n" + body
    kinds = {(s["kind"], text[s["start"]:s["end"]]) for s in result["spans"]}
    assert ("place", "Қызылордада") in kinds
    assert ("figure", "200-ден аса ерікті") in kinds
    assert ("person", "Ерлан Қошанов") in kinds


# ------------------------------------------------------------- input formats

HTML_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Сайт | Новости</title>
<meta property="article:published_time" content="2026-02-18T10:00:00+05:00"><meta property="og:site_name" content="Ақпарат">
<script>var x = "Атырау облысына барды";</script></head><body><nav>Басты бет Жаңалықтар Байланыс</nav>
<article><h1>Қызылордада коалиция құрылды</h1><p>Коалиция құрамына 300-ден астам қоғамдық ұйым енді &amp; жұмыс бастады.</p>
<p>Оған 200-ден аса ерікті қатысты.</p></article><footer>© Барлық құқықтар қорғалған</footer></body></html>"""


def test_html_page_without_boilerplate() -> None:
    (raw,) = read_documents("page.html", HTML_PAGE.encode())
    assert raw.title == "Қызылордада коалиция құрылды"
    assert raw.date == "2026-02-18"
    assert raw.outlet == "Ақпарат"
    assert "Басты бет" not in raw.body and "var x" not in raw.body and "©" not in raw.body
    assert "300-ден астам қоғамдық ұйым енді & жұмыс бастады." in raw.body
    assert extract(raw)["regions"] == ["kyzylorda"]


def test_broken_html_still_gives_text() -> None:
    broken = "<html><body><p>Қарағандыда дөңгелек үстел өтті, оған 50-ге жуық сарапшы қатысты<div><p>ары қарай"
    (raw,) = read_documents("broken.html", broken.encode())
    result = extract(raw)
    assert result["regions"] == ["karaganda"]
    assert result["figures"][0]["value"] == 50


RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kenes Wire</title>
<item><title>Қызылордада коалиция құрылды</title><link>https://example.kz/1</link>
<pubDate>Fri, 13 Feb 2026 09:00:00 +0500</pubDate><description><![CDATA[<p>Оған 200-ден аса ерікті қатысты.</p>]]></description></item>
<item><title>В Караганде прошел круглый стол</title><link>https://example.kz/2</link>
<pubDate>Wed, 11 Mar 2026 09:00:00 +0500</pubDate><description>Около 40 экспертов обсудили проект.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Лента</title>
<entry><title>Шымкентте форум өтті</title><link href="https://example.kz/a"/><updated>2026-03-05T10:00:00Z</updated>
<content type="html">&lt;p&gt;Форумға 2 мыңнан астам жас қатысты.&lt;/p&gt;</content></entry></feed>"""


def test_rss_gives_one_document_per_item() -> None:
    docs = read_documents("feed.xml", RSS.encode())
    assert [(d.file, d.date, d.url, d.outlet) for d in docs] == [
        ("feed.xml#1", "2026-02-13", "https://example.kz/1", "Kenes Wire"),
        ("feed.xml#2", "2026-03-11", "https://example.kz/2", "Kenes Wire")]
    assert [extract(d)["regions"] for d in docs] == [["kyzylorda"], ["karaganda"]]


def test_atom_feed() -> None:
    (entry,) = read_documents("atom.xml", ATOM.encode())
    assert (entry.title, entry.date, entry.url) == ("Шымкентте форум өтті", "2026-03-05", "https://example.kz/a")
    assert extract(entry)["figures"][0]["value"] == 2000


def test_xml_entities_are_refused() -> None:
    hostile = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               "<rss><channel><item><title>&x;</title></item></channel></rss>")
    with pytest.raises(NewsFormatError, match="DOCTYPE"):
        read_documents("evil.xml", hostile.encode())


def test_broken_feed_is_a_clear_error() -> None:
    with pytest.raises(NewsFormatError, match="broken XML"):
        read_documents("bad.xml", b"<?xml version='1.0'?><rss><channel><item><title>x</item>")


def test_jsonl_input() -> None:
    lines = [json.dumps({"id": "n1", "title": "Алматыда форум", "body": "Форумға 100-ден астам жас қатысты.",
                         "date": "2026-03-07", "outlet": "Ақпарат"}, ensure_ascii=False), ""]
    (raw,) = read_documents("items.jsonl", "\n".join(lines).encode())
    assert (raw.file, raw.outlet, raw.date) == ("n1", "Ақпарат", "2026-03-07")
    with pytest.raises(NewsFormatError, match="line 2"):
        read_documents("bad.jsonl", b'{"title": "a", "body": "b"}\n{broken')


def test_encodings() -> None:
    text = " date 2026-02-18 В Караганде прошла встреча\nБолее 50 человек."
    assert decode(text.encode("cp1251")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode(text.encode("utf-16")) == text
    mislabelled = '<html><head><meta charset="utf-8"></head><body><p>Встреча в Караганде прошла.</p></body></html>'
    (raw,) = read_documents("m.html", mislabelled.encode("cp1251"))
    assert "Встреча в Караганде прошла." in raw.body


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\x00\x01\x02binary\x00"])
def test_empty_and_binary_files_are_refused(data: bytes) -> None:
    with pytest.raises(NewsFormatError):
        read_documents("x.txt", data)


def test_oversized_file_is_refused() -> None:
    with pytest.raises(NewsFormatError, match="larger"):
        read_documents("big.txt", b"a" * 5_000_001)


def test_plain_text_without_header() -> None:
    (raw,) = read_documents("plain.txt", "Қарағандыда форум өтті\nФорумға 300-ден астам жас қатысты.".encode())
    assert (raw.title, raw.date) == ("Қарағандыда форум өтті", "")


# ------------------------------------------------------------- command line

def test_cli_json_and_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(" date 2026-02-13 Қызылордада коалиция құрылды\nОған 200-ден аса ерікті қатысты.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli(str(good), str(empty), str(tmp_path / "missing.txt"), "--format", "json")
    assert result.returncode == 0
    (item,) = json.loads(result.stdout)
    assert item["file"] == "good.txt" and item["regions"] == ["kyzylorda"]
    assert "empty.txt: skipped: empty file" in result.stderr
    assert "missing.txt: skipped" in result.stderr


def test_cli_jsonl(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS, encoding="utf-8")
    result = run_cli(str(feed), "--format", "jsonl")
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == ["feed.xml#1", "feed.xml#2"]


def test_cli_fails_when_nothing_could_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    assert run_cli(str(empty)).returncode == 1


def test_news_module_imports_nothing_from_django() -> None:
    code = ("import sys, kenes.nlp.news, kenes.nlp.news_io, kenes.nlp.gazetteer, kenes.nlp.numbers; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() \
        == "False"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.text(max_size=80))
def test_extract_never_crashes(body: str, title: str) -> None:
    result = extract(RawDocument("h.txt", title, body, ""))
    text = title + "\n" + body
    for span in result["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_reading_arbitrary_bytes_gives_documents_or_a_clear_error(data: bytes) -> None:
    try:
        docs = read_documents("x.bin", data)
    except NewsFormatError:
        return
    assert all(isinstance(d, RawDocument) for d in docs)


def test_module_has_main() -> None:
    assert callable(news.main)


def test_resemblance_of_reprints() -> None:
    from kenes.nlp.news import resemblance, shingles

    story = "Қызылордада өңірлік коалиция құрылды, оған 300-ден астам қоғамдық ұйым енді және жоспар әзірленді."
    assert resemblance(shingles(story), shingles(story.upper() + " деп хабарлайды BAQ.KZ")) == 1.0
    assert resemblance(shingles(story), shingles("Атырауда жастар форумы өтті, оған мыңнан астам жас қатысты.")) == 0
    assert resemblance(shingles(""), shingles(story)) == 0.0


def test_names_with_initials() -> None:
    result = doc("Облыс әкімі Н. Ноғаев тұрғындармен кездесті. Кейін Н. Ноғаевқа сұрақтар қойылды.")
    assert result["people"] == [{"name": "Н. Ноғаев", "role": "Облыс әкімі"}]
    merged = doc("Мәжіліс төрағасы Ерлан Қошанов сөз сөйледі. Е. Қошанов жастармен кездесті.")
    assert [p["name"] for p in merged["people"]] == ["Ерлан Қошанов"]
