"""Deterministic demo proposals (Django-free): texts from kenes/data/demo/proposals.json combined
with a seeded random generator, so every run of `kenes load_demo` produces the same content.

Individual proposals on every article and on the draft as a whole, in Kazakh (some in Latin
script), Russian and a few in English, from all 20 regions and every channel, spread over the
consultation window; form-letter campaigns (hundreds of near-copies of one letter with different
greetings, signatures and typos); a few with personal data (phones, e-mails, IINs) to be masked;
a few abusive ones to be hidden; answers of every status.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from kenes.demo.law import DEMO_DIR
from kenes.nlp.pii import iin_checksum

SEED = 2026
ANSWER_STATUSES = ("accepted", "partly_accepted", "rejected", "noted")
CHANNELS = (("web", 0.68), ("api", 0.08), ("import", 0.12), ("meeting", 0.08), ("media", 0.04))

_LATIN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ç",
    "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}


@dataclass
class ProposalSpec:
    article: int | None
    kind: str
    text: str
    language: str
    region: str
    channel: str
    created_at: datetime
    author_index: int | None = None  # a demo citizen, for web and API proposals
    author_name: str = ""
    source: str = ""
    source_id: str = ""
    campaign: str = ""
    status: str = "new"
    hidden_reason: str = ""


@cache
def demo_texts() -> dict[str, Any]:
    with open(DEMO_DIR / "proposals.json", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def to_latin(text: str) -> str:
    """Kazakh Cyrillic in the 2021 Latin alphabet (as people type it informally)."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in _LATIN:
            latin = _LATIN[low]
            out.append(latin.capitalize() if ch != low else latin)
        else:
            out.append(ch)
    return "".join(out)


def valid_iin(rng: random.Random) -> str:
    """A syntactically valid IIN (birth date, century/sex digit, serial, checksum) for the demo."""
    while True:
        digits = f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.choice('34')}"
        digits += f"{rng.randint(0, 9999):04d}"
        checksum = iin_checksum(digits)
        if checksum is not None and checksum < 10:
            return digits + str(checksum)


def phone(rng: random.Random) -> str:
    return f"8 7{rng.choice('0714')}{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def email(rng: random.Random) -> str:
    name = rng.choice(demo_texts()["latin_names"])
    return f"{name}.{rng.randint(1, 99)}@{rng.choice(['mail.kz', 'gmail.com', 'inbox.kz'])}"


def add_typos(text: str, rng: random.Random, count: int) -> str:
    chars = list(text)
    for _ in range(count):
        i = rng.randrange(1, len(chars) - 2)
        if not chars[i].isalpha():
            continue
        action = rng.random()
        if action < 0.4:
            del chars[i]
        elif action < 0.7:
            chars.insert(i, chars[i])
        else:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def weighted(rng: random.Random, options: list[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, weight in options:
        x -= weight
        if x <= 0:
            return value
    return options[-1][0]


class Generator:
    def __init__(self, *, opens: datetime, now: datetime, citizens: int, regions: dict[str, tuple[str, str]],
                 seed: int = SEED) -> None:
        """`regions`: slug -> (centre or name in Kazakh, centre or name in Russian)."""
        self.rng = random.Random(seed)
        self.data = demo_texts()
        self.opens = opens
        self.span = max((now - timedelta(minutes=10) - opens).total_seconds(), 60.0)
        self.citizens = citizens
        self.regions = regions
        self.region_weights = [(slug, float(w)) for slug, (w, _kk) in self.data["regions"].items() if slug in regions]
        self.kk_share = {slug: float(kk) for slug, (_w, kk) in self.data["regions"].items()}
        self.counter = 0

    # -- building blocks
    def moment(self, centre: float | None = None, width: float = 0.05) -> datetime:
        """A time inside the window so far: busier at the start and in the last days, or around `centre`."""
        rng = self.rng
        if centre is not None:
            fraction = min(max(rng.gauss(centre, width), 0.0), 1.0)
        elif rng.random() < 0.35:
            fraction = rng.random() ** 2 * 0.3
        else:
            fraction = rng.random() ** 0.7
        return self.opens + timedelta(seconds=fraction * self.span)

    def region(self) -> str:
        return str(weighted(self.rng, self.region_weights))

    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def sign(self, spec: ProposalSpec, language: str) -> None:
        """Channel, author and source of a proposal."""
        rng = self.rng
        channel = weighted(rng, list(CHANNELS))
        spec.channel = channel
        number = self.next_id()
        kk_centre, ru_centre = self.regions[spec.region]
        centre = kk_centre if language == "kk" else ru_centre
        if channel in ("web", "api"):
            spec.author_index = rng.randrange(self.citizens) if self.citizens else None
            if channel == "api":
                spec.source, spec.source_id = "api-demo", f"API-{number:06d}"
        elif channel == "import":
            spec.author_name = rng.choice(self.data["names"]["ru" if language == "ru" else "kk"])
            spec.source, spec.source_id = "egov-demo", f"EG-2026-{number:06d}"
        elif channel == "meeting":
            templates = self.data["meetings"]["ru" if language == "ru" else "kk"]
            spec.author_name = rng.choice(templates).format(center=centre)
            spec.source, spec.source_id = "meeting-demo", f"MT-{number:05d}"
        else:
            spec.author_name = rng.choice(self.data["media"])
            spec.source, spec.source_id = "media-demo", f"MD-{number:05d}"

    def contact(self, language: str) -> str:
        rng = self.rng
        x = rng.random()
        if x < 0.45:
            return {"kk": " Байланыс үшін: ", "ru": " Мой телефон: ", "en": " My phone: "}[language] + phone(rng)
        if x < 0.85:
            return {"kk": " Пошта: ", "ru": " Пишите: ", "en": " E-mail: "}[language] + email(rng)
        return {"kk": " ЖСН: ", "ru": " ИИН ", "en": " IIN: "}[language] + valid_iin(rng)

    # -- kinds of proposals
    def individual(self, region: str = "") -> ProposalSpec:
        rng = self.rng
        region = region or self.region()
        x = rng.random()
        if x < 0.03:
            kind, text, article = rng.choice(self.data["english"])
            language = "en"
        else:
            language = "kk" if rng.random() < self.kk_share.get(region, 0.5) else "ru"
            if rng.random() < 0.85:
                article = int(rng.choice(list(self.data["articles"])))
                kind, text = rng.choice(self.data["articles"][str(article)][language])
            else:
                article = None
                kind, text = rng.choice(self.data["general"][language])
            text = rng.choice(self.data["openers"][language]) + text + rng.choice(self.data["closers"][language])
        if rng.random() < 0.04:
            text += self.contact(language)
        if language == "kk" and rng.random() < 0.12:
            text = to_latin(text)
        spec = ProposalSpec(article=article, kind=kind, text=text, language=language, region=region,
                            channel="web", created_at=self.moment())
        self.sign(spec, language)
        x = rng.random()
        if x < 0.13:
            spec.status = rng.choice(ANSWER_STATUSES)
        elif x < 0.19:
            spec.status = "under_review"
        return spec

    def campaign_copy(self, campaign: dict[str, Any], centre: float) -> ProposalSpec:
        rng = self.rng
        language = campaign["language"]
        region = self.region()
        kk_centre, ru_centre = self.regions[region]
        name = rng.choice(self.data["names"][language])
        parts = [rng.choice(campaign["greetings"]), campaign["body"], rng.choice(campaign["extras"])]
        signature = rng.choice(campaign["signatures"]).format(
            name=name, center=kk_centre if language == "kk" else ru_centre, phone=phone(rng), email=email(rng),
        )
        text = " ".join(p for p in parts if p)
        if rng.random() < 0.35:
            text = add_typos(text, rng, rng.randint(1, 3))
        if signature:
            text += "\n" + signature
        spec = ProposalSpec(article=campaign["article"], kind=campaign["kind"], text=text, language=language,
                            region=region, channel="web", created_at=self.moment(centre, 0.04), campaign=campaign["slug"])
        self.sign(spec, language)
        if rng.random() < 0.1:
            spec.status = "under_review"
        return spec

    def abusive(self, index: int) -> ProposalSpec:
        item = self.data["hidden"][index % len(self.data["hidden"])]
        spec = ProposalSpec(article=None, kind="comment", text=item["text"], language=item["language"],
                            region=self.region(), channel="web", created_at=self.moment(),
                            hidden_reason=item["reason"])
        spec.author_index = self.rng.randrange(self.citizens) if self.citizens else None
        return spec

    def proposals(self, count: int) -> list[ProposalSpec]:
        """`count` proposals, oldest first."""
        specs: list[ProposalSpec] = []
        hidden = max(1, round(count * 0.005)) if count >= 20 else 0
        campaign_sizes = [int(count * c["share"]) if count >= 20 else 0 for c in self.data["campaigns"]]
        for i in range(hidden):
            specs.append(self.abusive(i))
        for campaign, size, centre in zip(self.data["campaigns"], campaign_sizes, (0.25, 0.55, 0.8), strict=False):
            specs.extend(self.campaign_copy(campaign, centre) for _ in range(size))
        for slug in sorted(self.regions)[: max(count - len(specs), 0)]:  # every region has its say
            specs.append(self.individual(slug))
        while len(specs) < count:
            specs.append(self.individual())
        specs.sort(key=lambda s: s.created_at)
        return specs


def answer_text(status: str, language: str) -> str:
    answers: dict[str, dict[str, str]] = demo_texts()["answers"]
    return answers[status].get(language) or answers[status]["ru"]
