"""Create a referendum with its questions and the commission tree (central, 20 regional, 224 territorial)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kenes.referendum.actions import create_referendum
from kenes.referendum.models import Referendum


class Command(BaseCommand):
    help = "Create a referendum and its commissions down to the territorial level."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug")
        parser.add_argument("--date", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--title-kk", required=True)
        parser.add_argument("--title-ru", required=True)
        parser.add_argument("--title-en", default="")
        parser.add_argument("--question-kk", action="append", required=True)
        parser.add_argument("--question-ru", action="append", required=True)
        parser.add_argument("--question-en", action="append", default=[])
        parser.add_argument("--constitutional", action="store_true",
                            help="apply the two-thirds-of-regions rule of Article 31.3")

    def handle(self, *args: Any, **o: Any) -> None:
        if Referendum.objects.filter(slug=o["slug"]).exists():
            raise CommandError(f"referendum {o['slug']!r} exists")
        if len(o["question_kk"]) != len(o["question_ru"]):
            raise CommandError("give each question in Kazakh and in Russian")
        english = o["question_en"] + [""] * (len(o["question_kk"]) - len(o["question_en"]))
        referendum = create_referendum(
            slug=o["slug"], date=o["date"], title_kk=o["title_kk"], title_ru=o["title_ru"], title_en=o["title_en"],
            territorial_rule=o["constitutional"],
            questions=[{"kk": kk, "ru": ru, "en": en} for kk, ru, en in zip(o["question_kk"], o["question_ru"], english,
                                                                            strict=True)],
        )
        self.stdout.write(f"created {referendum.slug}: {referendum.commissions.count()} commissions")
