"""Demo content for the referendum of 15 March 2026: precincts in every district with generated,
consistent protocols and turnout reports, a few protocols still in double entry for the Atyrau
operators, and the published national figures entered as the central commission's protocol (they
do not add up, so it is flagged with the gap)."""

from __future__ import annotations

import datetime
import json
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from kenes.referendum import actions
from kenes.referendum.models import TURNOUT_HOURS, Commission, Level, MemberRole, Referendum, TurnoutReport

SLUG = "2026-03-15"
DEMO_PASSWORD = "kenes-demo"  # noqa: S105 (demo accounts only, printed by `make demo`)
TURNOUT_SHARE = {10: 0.12, 12: 0.31, 14: 0.47, 16: 0.60, 18: 0.69, 20: 0.74}


def realistic_figures(rng: random.Random, voters: int) -> dict[str, int]:
    """A consistent precinct protocol: turnout 55–90 %, a few per cent voting outside the premises,
    a handful of ballots taken away, 0.5–2.5 % invalid, 70–95 % of valid ballots for."""
    received = voters + rng.randint(0, max(1, voters // 50))
    issued = round(voters * rng.uniform(0.55, 0.90))
    outside = round(issued * rng.uniform(0.0, 0.05))
    found = issued - rng.randint(0, 2)
    invalid = round(found * rng.uniform(0.005, 0.025))
    valid = found - invalid
    votes_for = round(valid * rng.uniform(0.70, 0.95))
    return {
        "voters": voters, "received": received, "issued_premises": issued - outside, "issued_outside": outside,
        "found": found, "invalid": invalid, "valid": valid, "votes_for": votes_for,
        "votes_against": valid - votes_for, "unused": received - issued,
    }


def _operator(username: str, region: str) -> Any:
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"role": "operator", "region": region, "password": make_password(DEMO_PASSWORD)},
    )
    return user


@transaction.atomic
def load_demo(*, precincts_per_district: int = 8, seed: int = 2026) -> Referendum:
    """Idempotent: returns the existing demo referendum when it is already there."""
    existing = Referendum.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    rng = random.Random(seed)
    referendum = actions.create_referendum(
        slug=SLUG, date=datetime.date(2026, 3, 15), territorial_rule=True,
        title_kk="Республикалық референдум: Қазақстан Республикасының жаңа Конституциясы",
        title_ru="Республиканский референдум: новая Конституция Республики Казахстан",
        title_en="Republican referendum: the new Constitution of the Republic of Kazakhstan",
        questions=[{"kk": "Қазақстан Республикасының жаңа Конституциясын қабылдайсыз ба?",
                    "ru": "Принимаете ли Вы новую Конституцию Республики Казахстан?",
                    "en": "Do you accept the new Constitution of the Republic of Kazakhstan?"}],
    )
    central = referendum.central()
    national = _operator("operator", "")
    actions.add_member(commission=central, user=national, role=MemberRole.CHAIR)
    atyrau = Commission.objects.get(referendum=referendum, code="atyrau")
    first, second = _operator("operator_atyrau", "atyrau"), _operator("operator_atyrau_2", "atyrau")
    actions.add_member(commission=atyrau, user=first)
    actions.add_member(commission=atyrau, user=second)

    number = 0
    for district in Commission.objects.filter(referendum=referendum, level=Level.TERRITORIAL).order_by("code"):
        for _i in range(precincts_per_district):
            number += 1
            actions.add_precinct(territorial=district, number=number, voters=int(min(3000, max(80, rng.lognormvariate(7.0, 0.5)))),
                                 address=f"{district.name_kk}, {rng.randint(1, 120)}-үй")
    question = referendum.questions.get()
    precincts = list(Commission.objects.precincts().filter(referendum=referendum).order_by("number"))
    rows = []
    waiting: list[tuple[Commission, dict[str, int]]] = []
    for precinct in precincts:
        figures = realistic_figures(rng, precinct.voters)
        if precinct.region == "atyrau" and len(waiting) < 3:
            waiting.append((precinct, figures))  # left for the Atyrau operators to enter twice
            continue
        rows.append((precinct.number or 0, {"precinct": precinct.code, "question": "1", **figures}))
    actions.import_protocols(operator=national, referendum=referendum, rows=rows, source="demo")
    precinct, figures = waiting[0]
    actions.submit_entry(operator=first, precinct=precinct, question=question, figures=figures)
    precinct, figures = waiting[1]
    actions.submit_entry(operator=first, precinct=precinct, question=question, figures=figures)
    actions.submit_entry(operator=second, precinct=precinct, question=question,
                         figures={**figures, "voters": figures["voters"] + 10})

    reports: list[TurnoutReport] = []
    for p in precincts:  # one pace per precinct keeps its reports non-decreasing; never above the list
        pace = rng.uniform(0.9, 1.05)
        reports += [TurnoutReport(commission=p, hour=h, voted=min(p.voters, round(p.voters * TURNOUT_SHARE[h] * pace)),
                                  entered_by=national) for h in TURNOUT_HOURS]
    TurnoutReport.objects.bulk_create(reports, batch_size=2000)
    published = json.loads((actions.DATA_DIR / "published_2026-03-15.json").read_text(encoding="utf-8"))
    actions.enter_summary_protocol(
        operator=national, commission=central, question=question, figures=published["figures"],
        source=published["source"][:200],
        explanation="Алдын ала жарияланған көрсеткіштер: «иә», «жоқ» және жарамсыз бюллетеньдердің қосындысы дауыс бергендер санына жетпейді.",
    )
    return referendum
