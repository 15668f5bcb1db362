"""Demo content for the campaign: the national coalition of five parties and NGOs, a regional
coalition in every region and a territorial one in every district, members, volunteers, work plans
with targets, about 2,000 events around today (those in the past mostly reported, some
cancelled), and proposals collected at meetings when a draft is open for consultation.

Deterministic: the same seed gives the same content (dates are relative to the day it runs)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kenes.campaign.districts import District, districts_of
from kenes.campaign.models import (
    Assignment,
    Coalition,
    Event,
    EventProposal,
    EventReport,
    EventStatus,
    Level,
    MemberRole,
    Membership,
    Organisation,
    OrganisationKind,
    Plan,
    PlanTarget,
    Volunteer,
)
from kenes.campaign.themes import all_themes
from kenes.regions import Region, all_regions

NATIONAL_KK = "«Әділетті және Прогрессивті Қазақстанның Халықтық Конституциясы үшін!» жалпыұлттық коалициясы"
NATIONAL_RU = "Общенациональная коалиция «За Народную Конституцию Справедливого и Прогрессивного Казахстана!»"
NATIONAL_EN = "National coalition “For the People's Constitution of a Just and Progressive Kazakhstan!”"

PARTIES = [
    ("«AMANAT» партиясы", "«AMANAT» партиясының {region} филиалы"),
    ("«Ақ жол» Қазақстанның демократиялық партиясы", "«Ақ жол» партиясының {region} филиалы"),
    ("«Ауыл» халықтық-демократиялық патриоттық партиясы", "«Ауыл» партиясының {region} филиалы"),
    ("Қазақстан Халық партиясы", "Қазақстан Халық партиясының {region} филиалы"),
    ("Қазақстанның «Байтақ» жасылдар партиясы", "«Байтақ» партиясының {region} филиалы"),
]
NGO_PATTERNS = [
    "«{word}» қоғамдық бірлестігі", "«{word}» жастар қозғалысы", "«{word}» қоғамдық қоры",
    "«{word}» ардагерлер кеңесі", "«{word}» әйелдер қауымдастығы", "«{word}» волонтерлік орталығы",
]
NGO_WORDS = [
    "Болашақ", "Жасампаз", "Ынтымақ", "Бірлік", "Жарқын", "Ақниет", "Мейірім", "Сенім", "Шапағат", "Өркен",
    "Талап", "Үміт", "Келешек", "Береке", "Тұлпар", "Шаңырақ", "Ерлік", "Намыс", "Қамқор", "Атамекен",
]
STATE_BODIES = ["облыс әкімдігінің ішкі саясат басқармасы", "облыстық мәслихат"]
MEDIA = ["облыстық «{region}» газеті", "облыстық телеарна"]

MALE = ["Ерлан", "Нұрлан", "Асқар", "Бауыржан", "Ерболат", "Серік", "Дәурен", "Қуаныш", "Тимур", "Арман", "Нұржан",
        "Ғалым", "Мұрат", "Бекзат", "Әділет", "Жандос"]
FEMALE = ["Айгүл", "Дана", "Мәдина", "Жанар", "Әсел", "Гүлнар", "Айдана", "Ләззат", "Сәуле", "Ақмарал", "Жұлдыз",
          "Назым", "Динара", "Арайлым", "Іңкәр", "Гүлжан"]
SURNAMES = ["Сәрсен", "Омар", "Жұмабай", "Қасым", "Тоқтар", "Әбіл", "Нұрпейіс", "Бекмұхамбет", "Исабек", "Серікбай",
            "Мұқан", "Ахмет", "Оспан", "Есен", "Кәрім", "Дүйсен"]
SKILLS = ["жүргізуші", "фотограф", "аудармашы", "әлеуметтік желілер", "іс-шара ұйымдастыру", "дизайн", "заңгер",
          "медицина", "бейнетүсірілім", "тіркеу және есеп"]
MEETING_TITLES = {
    "general_public": "Тұрғындармен кездесу",
    "youth": "Жастармен кездесу",
    "workers": "Еңбек ұжымдарымен кездесу",
    "business": "Кәсіпкерлермен кездесу",
    "veterans": "Ардагерлермен кездесу",
    "teachers": "Педагогтермен кездесу",
    "medics": "Медицина қызметкерлерімен кездесу",
    "intelligentsia": "Зиялы қауым өкілдерімен кездесу",
    "officials": "Мемлекеттік қызметшілермен кездесу",
    "deputies": "Мәслихат депутаттарымен кездесу",
    "party_members": "Партия мүшелерімен кездесу",
    "ngo": "Үкіметтік емес ұйымдар өкілдерімен кездесу",
    "experts": "Сарапшылармен кездесу",
    "volunteers": "Еріктілермен кездесу",
}
AMONG = {
    "general_public": "тұрғындар арасында",
    "youth": "жастар арасында",
    "workers": "еңбек ұжымдары арасында",
    "business": "кәсіпкерлер арасында",
    "veterans": "ардагерлер арасында",
    "teachers": "педагогтер арасында",
    "medics": "медицина қызметкерлері арасында",
    "intelligentsia": "зиялы қауым өкілдері арасында",
    "officials": "мемлекеттік қызметшілер арасында",
    "deputies": "мәслихат депутаттары арасында",
    "party_members": "партия мүшелері арасында",
    "ngo": "үкіметтік емес ұйымдар өкілдері арасында",
    "experts": "сарапшылар арасында",
    "volunteers": "еріктілер арасында",
}
PLACES = ["Мәдениет үйі", "Облыстық кітапхана", "Жастар ресурстық орталығы", "Аудандық әкімдіктің мәжіліс залы",
          "Университеттің акт залы", "Кәсіпорынның мәжіліс залы", "Ауылдық клуб", "Мектептің акт залы",
          "Ардагерлер үйі", "Қоғамдық келісім кеңесінің залы"]
QUESTIONS = [
    "Құрылтай қалай сайланады және оның өкілеттіктері қандай?",
    "Қазақстан Халық Кеңесі қандай мәселелерді қарайды?",
    "Жаңа Конституция азаматтардың әлеуметтік кепілдіктерін қалай қорғайды?",
    "Жергілікті өзін-өзі басқару органдарының өкілеттіктері кеңейе ме?",
    "Референдумға қалай қатысуға болады, дауыс беру учаскесін қайдан білеміз?",
    "Жер мен табиғи ресурстарға меншік құқығы қалай реттеледі?",
    "Мемлекеттік тіл мәртебесі туралы норма өзгере ме?",
    "Жастарға арналған жаңа мүмкіндіктер Конституцияда қалай көрініс тапқан?",
    "Конституциялық Сотқа азаматтар тікелей жүгіне ала ма?",
    "Жаңа Конституция қашан күшіне енеді?",
]
PROPOSALS = [
    "Бапқа жергілікті өзін-өзі басқару органдарының қаржылық дербестігі туралы норма қосуды ұсынамын.",
    "Азаматтардың мемлекеттік органдарға электрондық өтініш беру құқығын нақты бекіту керек.",
    "Экологиялық қауіпсіздік пен табиғатты қорғау туралы ережені кеңейту қажет.",
    "Мемлекеттік тілдің мәртебесін нығайтатын норманы сақтау және нақтылау керек.",
    "Мүгедектігі бар адамдардың құқықтарына кепілдіктерді бөлек атап көрсетуді сұраймын.",
    "Ауылдық аумақтарды дамытуға мемлекеттің жауапкершілігін бапта көрсету керек.",
    "Жастардың сапалы білім алу құқығы туралы норманы толықтыру қажет.",
    "Ардагерлер мен зейнеткерлердің әлеуметтік қорғалуы туралы ережені күшейту керек.",
    "В статье предлагаю закрепить право граждан на участие в общественных обсуждениях законопроектов.",
    "Прошу уточнить порядок формирования Курултая и сроки его полномочий.",
    "Предлагаю дополнить статью нормой о защите персональных данных граждан.",
    "Нужно закрепить гарантии независимости судей и открытости судебных процессов.",
]
TYPE_WEIGHTS = [
    ("meeting", 46), ("explanatory_work", 18), ("round_table", 12), ("visit", 8), ("plenary_session", 6),
    ("public_hearing", 5), ("forum", 5),
]
AUDIENCE_WEIGHTS = [
    ("general_public", 30), ("youth", 16), ("workers", 12), ("teachers", 7), ("veterans", 6), ("medics", 5),
    ("intelligentsia", 5), ("business", 5), ("officials", 3), ("deputies", 3), ("party_members", 3), ("ngo", 2),
    ("experts", 2), ("volunteers", 1),
]


@dataclass
class DemoSummary:
    coalitions: int
    organisations: int
    volunteers: int
    events: int
    held: int
    cancelled: int
    proposals: int


def _person(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.5:
        ending = "ов" if surname[-1] not in "аеәіыиоөұүуя" else "ев"
        return f"{surname}{ending} {rng.choice(MALE)}"
    ending = "ова" if surname[-1] not in "аеәіыиоөұүуя" else "ева"
    return f"{surname}{ending} {rng.choice(FEMALE)}"


def _weighted(rng: random.Random, weights: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weights], weights=[w for _, w in weights])[0]


def _title(rng: random.Random, kind: str, audience: str, district: District | None, theme_kk: str) -> str:
    if kind == "meeting":
        return MEETING_TITLES[audience]
    if kind == "round_table":
        return f"«Жаңа Конституция: {theme_kk.lower()}» тақырыбындағы дөңгелек үстел"
    if kind == "plenary_session":
        return "Партия филиалының кеңейтілген пленарлық отырысы"
    if kind == "visit":
        return f"Коалиция мүшелерінің жұмыс сапары: {district.name_kk if district else 'облыс орталығы'}"
    if kind == "forum":
        return "«Жаңа Конституция – жаңа мүмкіндіктер» жастар форумы" if audience == "youth" else \
            "«Жаңа Конституция – ел болашағы» азаматтық форумы"
    if kind == "public_hearing":
        return "Конституция жобасы бойынша қоғамдық тыңдау"
    return f"Конституция жобасын түсіндіру: {AMONG[audience]}"


def _region_event_counts(total: int, regions: tuple[Region, ...], focus: str) -> dict[str, int]:
    """Events per region: the focus region (the seeds' Atyrau, Kyzylorda…) gets a large plan."""
    focus_count = min(total // 4, 695)
    rest = total - focus_count
    others = [r for r in regions if r.slug != focus]
    counts = {r.slug: rest // len(others) for r in others}
    for r in others[: rest - sum(counts.values())]:
        counts[r.slug] += 1
    counts[focus] = focus_count
    return counts


def load_demo(*, events: int = 2000, seed: int = 2026, focus: str = "atyrau", now: datetime | None = None,
              log: Any = None) -> DemoSummary:
    rng = random.Random(seed)
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localtime(now, tz).date()
    themes = all_themes()
    say = log or (lambda message: None)

    with transaction.atomic():
        national = Coalition.objects.create(level=Level.NATIONAL, name_kk=NATIONAL_KK, name_ru=NATIONAL_RU,
                                            name_en=NATIONAL_EN, founded_on=today - timedelta(days=60))
        parties = [Organisation.objects.create(name=name, kind=OrganisationKind.PARTY) for name, _ in PARTIES]
        Membership.objects.bulk_create(
            [Membership(coalition=national, organisation=p, role=MemberRole.MEMBER) for p in parties]
            + [Membership(coalition=national, person_name=_person(rng), role=role)
               for role in (MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.SECRETARY)]
        )
        national_ngos = Organisation.objects.bulk_create([
            Organisation(name=pattern.format(word=word) + " (республикалық)", kind=OrganisationKind.NGO)
            for word in NGO_WORDS for pattern in NGO_PATTERNS[:1]
        ])
        Membership.objects.bulk_create([Membership(coalition=national, organisation=o) for o in national_ngos])

        regionals: dict[str, Coalition] = {}
        territorials: dict[str, list[Coalition]] = {}
        volunteers_by_region: dict[str, list[Volunteer]] = {}
        branch_names: dict[str, list[str]] = {}
        organisation_count = len(parties) + len(national_ngos)
        for region in all_regions():
            name_kk = region.name_kk
            regional = Coalition.objects.create(
                level=Level.REGIONAL, parent=national, region=region.slug, founded_on=today - timedelta(days=50),
                name_kk=f"{name_kk}: «Әділетті және Прогрессивті Қазақстанның Халықтық Конституциясы үшін!» өңірлік коалициясы",
                name_ru=f"{region.name_ru}: региональная коалиция «За Народную Конституцию!»",
                name_en=f"{region.name_en}: regional coalition “For the People's Constitution!”",
            )
            regionals[region.slug] = regional
            branches = [Organisation(name=branch.format(region=name_kk), kind=OrganisationKind.PARTY_BRANCH,
                                     parent=party, region=region.slug) for party, (_, branch) in zip(parties, PARTIES, strict=True)]
            ngo_count = 60 if region.slug == focus else 15
            ngos = [Organisation(name=f"{NGO_PATTERNS[i % len(NGO_PATTERNS)].format(word=NGO_WORDS[i % len(NGO_WORDS)])}"
                                      f" ({name_kk}, {i + 1})",
                                 kind=OrganisationKind.NGO, region=region.slug) for i in range(ngo_count)]
            others = [Organisation(name=f"{name_kk} {STATE_BODIES[0]}", kind=OrganisationKind.STATE_BODY, region=region.slug),
                      Organisation(name=f"{name_kk} {STATE_BODIES[1]}", kind=OrganisationKind.STATE_BODY, region=region.slug),
                      Organisation(name=MEDIA[0].format(region=name_kk), kind=OrganisationKind.MEDIA, region=region.slug),
                      Organisation(name=f"{name_kk} кәсіпкерлер палатасы", kind=OrganisationKind.COMPANY, region=region.slug)]
            organisations = Organisation.objects.bulk_create(branches + ngos + others)
            organisation_count += len(organisations)
            branch_names[region.slug] = [o.name for o in organisations[: len(branches)]]
            # The national coalition unites the parties and the NGOs of every region.
            Membership.objects.bulk_create([Membership(coalition=national, organisation=o) for o in organisations
                                            if o.kind == OrganisationKind.NGO])
            members = [Membership(coalition=regional, organisation=o) for o in organisations]
            members += [Membership(coalition=regional, person_name=_person(rng), role=role)
                        for role in (MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.SECRETARY)]
            extra_people = 280 if region.slug == focus else 10
            members += [Membership(coalition=regional, person_name=_person(rng)) for _ in range(extra_people)]
            Membership.objects.bulk_create(members)

            territorials[region.slug] = [
                Coalition(level=Level.TERRITORIAL, parent=regional, region=region.slug, district=d.code,
                          founded_on=today - timedelta(days=40), name_kk=f"{d.name_kk} аумақтық коалициясы",
                          name_ru=f"Территориальная коалиция: {d.name_ru}", name_en=f"{d.name_en} territorial coalition")
                for d in districts_of(region.slug)
            ]
            Coalition.objects.bulk_create(territorials[region.slug])
            territorials[region.slug] = list(Coalition.objects.filter(parent=regional).order_by("district"))
            Membership.objects.bulk_create([
                Membership(coalition=t, person_name=_person(rng), role=MemberRole.CHAIR) for t in territorials[region.slug]
            ])
            volunteer_count = 210 if region.slug == focus else 25
            district_list = districts_of(region.slug)
            volunteers = Volunteer.objects.bulk_create([
                Volunteer(full_name=_person(rng), region=region.slug, district=rng.choice(district_list).code,
                          coalition=regional, skills=", ".join(rng.sample(SKILLS, 2)),
                          languages=["kk", "ru"] if rng.random() < 0.7 else ["kk"],
                          availability=rng.choice(["any", "weekdays", "evenings", "weekends"]))
                for _ in range(volunteer_count)
            ])
            volunteers_by_region[region.slug] = volunteers
        say(f"coalitions and {organisation_count} organisations")

        counts = _region_event_counts(events, all_regions(), focus)
        start_day = today - timedelta(days=45)
        plan_days = 75
        all_events: list[Event] = []
        for region in all_regions():
            regional = regionals[region.slug]
            plan = Plan.objects.create(coalition=regional, title="Конституция жобасын түсіндіру жоспары",
                                       starts_on=start_day, ends_on=start_day + timedelta(days=plan_days))
            district_list = districts_of(region.slug)
            region_events = []
            for i in range(counts[region.slug]):
                kind = _weighted(rng, TYPE_WEIGHTS)
                audience = _weighted(rng, AUDIENCE_WEIGHTS)
                district = rng.choice(district_list) if rng.random() < 0.8 else None
                coalition = regional
                if district is not None and rng.random() < 0.5:
                    coalition = next(t for t in territorials[region.slug] if t.district == district.code)
                theme = rng.choice(themes)
                day = start_day + timedelta(days=rng.randrange(plan_days))
                starts_at = datetime.combine(day, time(rng.choice([10, 11, 12, 14, 15, 16, 17, 18])), tzinfo=tz)
                event_format = "offline" if rng.random() < 0.8 else rng.choice(["online", "hybrid"])
                place = rng.choice(PLACES)
                region_events.append(Event(
                    coalition=coalition, plan=plan, import_key=f"demo:{region.slug}:{i}",
                    title=_title(rng, kind, audience, district, theme.name_kk), event_type=kind, format=event_format,
                    online_url=f"https://meet.example.kz/{region.slug}-{i}" if event_format != "offline" else "",
                    starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), region=region.slug,
                    district=district.code if district else "",
                    place=place, organisers=rng.choice(branch_names[region.slug]), audiences=sorted({audience, _weighted(rng, AUDIENCE_WEIGHTS)}),
                    themes=[theme.slug], expected_attendance=rng.choice([30, 50, 80, 100, 150, 200, 300, 500]),
                ))
            targets = Counter(e.event_type for e in region_events)
            PlanTarget.objects.bulk_create(
                [PlanTarget(plan=plan, event_type=k, count=round(n * 1.05)) for k, n in sorted(targets.items())]
            )
            all_events.extend(region_events)
        # Founding sessions of the coalitions themselves, held.
        for slug, regional in regionals.items():
            founded = datetime.combine(regional.founded_on or today, time(11), tzinfo=tz)
            all_events.append(Event(
                coalition=regional, import_key=f"demo:{slug}:founding", title="Өңірлік коалицияның құрылтай отырысы",
                event_type="coalition_founding", starts_at=founded, region=slug, place="Облыс әкімдігінің мәжіліс залы",
                audiences=["party_members", "ngo", "deputies", "experts"], themes=["participation"], expected_attendance=120,
            ))
        Event.objects.bulk_create(all_events, batch_size=500)
        say(f"{len(all_events)} events")

        stored = list(Event.objects.filter(coalition__in=Coalition.objects.all()).order_by("id"))
        reports: list[EventReport] = []
        held_ids: list[int] = []
        cancelled_ids: list[int] = []
        for event in stored:
            if event.starts_at >= now:
                if rng.random() < 0.02:
                    cancelled_ids.append(event.pk)
                continue
            roll = rng.random()
            if roll < 0.05:
                cancelled_ids.append(event.pk)
                continue
            if roll < 0.12:
                continue  # held but not yet reported: stays planned
            held_ids.append(event.pk)
            reached = list(event.audiences)
            if rng.random() < 0.3:
                reached.append(_weighted(rng, AUDIENCE_WEIGHTS))
            discussed = list(event.themes) + ([rng.choice(themes).slug] if rng.random() < 0.5 else [])
            reports.append(EventReport(
                event=event, attendance=max(5, int(event.expected_attendance * rng.uniform(0.6, 1.3))),
                audiences=sorted(set(reached)), themes=sorted(set(discussed)),
                questions="\n".join(rng.sample(QUESTIONS, rng.randint(1, 3))),
                summary="Қатысушылар Конституция жобасының негізгі ережелерімен танысып, сұрақтарын қойды.",
                media_links=[f"https://news.example.kz/{event.region}/{event.pk}"] if rng.random() < 0.4 else [],
                reported_at=event.starts_at + timedelta(hours=rng.randint(3, 30)),
            ))
        Event.objects.filter(pk__in=held_ids).update(status=EventStatus.HELD)
        Event.objects.filter(pk__in=cancelled_ids).update(status=EventStatus.CANCELLED)
        EventReport.objects.bulk_create(reports, batch_size=500)
        say(f"{len(reports)} reports")

        assignments = []
        for event in stored:
            if event.pk in held_ids and rng.random() < 0.5:
                pool = volunteers_by_region[event.region]
                for volunteer in rng.sample(pool, min(len(pool), rng.randint(1, 4))):
                    assignments.append(Assignment(volunteer=volunteer, event=event, task=rng.choice(SKILLS),
                                                  hours=rng.choice([2, 3, 4, 5])))
        Assignment.objects.bulk_create(assignments, batch_size=1000)

    proposals = _collect_proposals(rng, stored, held_ids, say)
    return DemoSummary(
        coalitions=Coalition.objects.count(), organisations=organisation_count,
        volunteers=sum(len(v) for v in volunteers_by_region.values()), events=len(stored), held=len(held_ids),
        cancelled=len(cancelled_ids), proposals=proposals,
    )


def _collect_proposals(rng: random.Random, events: list[Event], held_ids: list[int], say: Any) -> int:
    """Proposals voiced at some of the meetings, on the draft open for consultation (if any)."""
    from kenes.drafts.models import Version
    from kenes.proposals.actions import SubmissionError, submit_proposal

    version = Version.objects.under_consultation().first()
    if version is None:
        say("no draft is open for consultation: no proposals collected at events")
        return 0
    articles = list(version.articles.order_by("number"))
    held = set(held_ids)
    chosen = [e for e in events if e.pk in held and e.event_type in ("meeting", "round_table", "public_hearing")]
    chosen = rng.sample(chosen, min(len(chosen), 150))
    count = 0
    for event in sorted(chosen, key=lambda e: e.pk):
        for n in range(rng.randint(1, 3)):
            article = rng.choice(articles) if articles and rng.random() < 0.8 else None
            text = rng.choice(PROPOSALS)
            created_at = event.starts_at + timedelta(hours=2)
            try:
                proposal = submit_proposal(
                    version=version, article=article, text=text, kind="amend" if rng.random() < 0.7 else "comment",
                    region=event.region, channel="meeting", author_name="", source="campaign-event",
                    source_id=f"{event.pk}:demo:{n}", created_at=created_at,
                )
            except SubmissionError:
                try:  # the meeting took place before the consultation opened: record it as of now
                    proposal = submit_proposal(
                        version=version, article=article, text=text, kind="amend", region=event.region,
                        channel="meeting", source="campaign-event", source_id=f"{event.pk}:demo:{n}",
                    )
                except SubmissionError:
                    continue
            if not EventProposal.objects.filter(proposal=proposal).exists():
                EventProposal.objects.create(event=event, proposal=proposal)
                count += 1
    say(f"{count} proposals collected at events")
    return count
