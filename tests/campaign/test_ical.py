from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from kenes.campaign.ical import calendar, escape_text, event_lines, fold, unfold_and_parse


def fake_event(title: str, status: str = "planned") -> SimpleNamespace:
    start = datetime(2026, 2, 20, 6, 0, tzinfo=UTC)
    return SimpleNamespace(pk=7, title=title, status=status, starts_at=start, ends_at=None, updated_at=start, created_at=start)


def test_text_is_escaped() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert escape_text("x\r\ny") == "x\\ny"


def test_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    line = "SUMMARY:" + "Қазақстан Республикасының Конституциясы " * 5
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")
    assert folded.replace("\r\n ", "") == line


def test_calendar_parses_back() -> None:
    title = "Кездесу, «Жаңа Конституция»; talk\\about\nit"
    text = calendar([event_lines(fake_event(title), url="https://kenes.kz/campaign/events/7/", host="kenes.kz",
                                 location="Атырау, Жылыой", description="Желі: https://example.kz/meet?id=1,2")],
                    name="Іс-шаралар")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    [event] = unfold_and_parse(text)
    assert event["SUMMARY"] == title
    assert event["DTSTART"] == "20260220T060000Z"
    assert event["DTEND"] == "20260220T080000Z"
    assert event["UID"] == "campaign-event-7@kenes.kz"
    assert event["LOCATION"] == "Атырау, Жылыой"
    assert event["STATUS"] == "CONFIRMED"


def test_cancelled_event_says_so() -> None:
    [event] = unfold_and_parse(calendar([event_lines(fake_event("x", "cancelled"), url="u", host="h", location="",
                                                     description="")], name="n"))
    assert event["STATUS"] == "CANCELLED"


@given(st.text(min_size=0, max_size=400))
def test_any_title_round_trips(title: str) -> None:
    title = title.replace("\r", "")
    text = calendar([event_lines(fake_event(title), url="u", host="h", location="", description="")], name="n")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    [event] = unfold_and_parse(text)
    assert event["SUMMARY"] == title
