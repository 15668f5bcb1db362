"""Writes that touch several referendum models: setting up a referendum and its commissions,
double entry, resolution, corrections and imports of protocols, turnout reports, and keeping
the tallies up to date (by deltas, or by a full recount)."""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.nlp import tally
from kenes.referendum.models import (
    TURNOUT_HOURS,
    Commission,
    EventKind,
    Level,
    MemberRole,
    Membership,
    Protocol,
    ProtocolEntry,
    ProtocolEvent,
    Question,
    Referendum,
    Status,
    Tally,
    TurnoutReport,
)
from kenes.regions import all_regions
from kenes.xlsx import WorkbookError, WorkbookTooLarge, read_first_sheet

DATA_DIR = settings.PACKAGE_DIR / "data" / "referendum"
CENTRAL_CODE = "kz"
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
MAX_TEXT = 2000

# --- access -----------------------------------------------------------------------------------------


def commission_ids_of(user: Any, referendum: Referendum) -> dict[int, str]:
    """The commissions of this referendum the user is a member of, with their role there."""
    if not getattr(user, "is_authenticated", False) or not user.is_operator:
        return {}
    rows = Membership.objects.filter(user=user, commission__referendum=referendum).values_list("commission_id", "role")
    return dict(rows)


def _lineage(commission: Commission) -> list[int]:
    return [commission.pk, *commission.ancestor_ids()]


def can_enter(user: Any, commission: Commission) -> bool:
    """Operators who are members of this commission or of one above it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not user.is_operator:
        return False
    return Membership.objects.filter(user=user, commission_id__in=_lineage(commission)).exists()


def can_resolve(user: Any, commission: Commission) -> bool:
    """Chairs of this commission or of one above it."""
    if not can_enter(user, commission):
        return False
    return Membership.objects.filter(user=user, commission_id__in=_lineage(commission), role=MemberRole.CHAIR).exists()


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only operators of this commission may do this."))


# --- setting up ---------------------------------------------------------------------------------------


def read_districts() -> list[dict[str, str]]:
    with open(DATA_DIR / "districts.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@transaction.atomic
def create_referendum(
    *, slug: str, title_kk: str, title_ru: str, title_en: str = "", date: datetime.date,
    questions: Sequence[Mapping[str, str]], territorial_rule: bool = False,
) -> Referendum:
    """A referendum with its questions and the commission tree down to the territorial level:
    the central commission, 20 regional ones and one per district (kenes/data/referendum)."""
    referendum = Referendum.objects.create(
        slug=slug, title_kk=title_kk, title_ru=title_ru, title_en=title_en, date=date, territorial_rule=territorial_rule,
    )
    for number, texts in enumerate(questions, start=1):
        Question.objects.create(
            referendum=referendum, number=number,
            text_kk=texts.get("kk", ""), text_ru=texts.get("ru", ""), text_en=texts.get("en", ""),
        )
    central = Commission.objects.create(
        referendum=referendum, level=Level.CENTRAL, code=CENTRAL_CODE,
        name_kk="Орталық референдум комиссиясы", name_ru="Центральная комиссия референдума",
        name_en="Central Referendum Commission",
    )
    regional = {
        r.slug: Commission(referendum=referendum, level=Level.REGIONAL, parent=central, code=r.slug, region=r.slug,
                           name_kk=r.name_kk, name_ru=r.name_ru, name_en=r.name_en)
        for r in all_regions()
    }
    Commission.objects.bulk_create(regional.values())
    regional = {c.code: c for c in Commission.objects.filter(referendum=referendum, level=Level.REGIONAL)}
    Commission.objects.bulk_create(
        Commission(referendum=referendum, level=Level.TERRITORIAL, parent=regional[d["region"]], code=d["kato"],
                   region=d["region"], name_kk=d["name_kk"], name_ru=d["name_ru"], name_en=d["name_en"])
        for d in read_districts()
    )
    ensure_tallies(referendum)
    return referendum


def ensure_tallies(referendum: Referendum) -> None:
    """A tally row for every (central, regional, territorial) commission and question."""
    existing = set(Tally.objects.filter(question__referendum=referendum).values_list("commission_id", "question_id"))
    commission_ids = Commission.objects.filter(referendum=referendum).exclude(level=Level.PRECINCT).values_list("pk", flat=True)
    question_ids = list(referendum.questions.values_list("pk", flat=True))
    Tally.objects.bulk_create(
        [Tally(commission_id=c, question_id=q) for c in commission_ids for q in question_ids if (c, q) not in existing],
        batch_size=2000,
    )


def add_precinct(*, territorial: Commission, number: int, address: str = "", voters: int = 0) -> Commission:
    if territorial.level != Level.TERRITORIAL:
        raise ValidationError(_("A precinct belongs to a territorial commission."))
    name_ru = f"Участок № {number}"
    return Commission.objects.create(
        referendum=territorial.referendum, level=Level.PRECINCT, parent=territorial, code=str(number),
        region=territorial.region, number=number, address=address[:300], voters=voters,
        name_kk=f"№ {number} учаске", name_ru=name_ru, name_en=f"Precinct {number}",
    )


@dataclass
class PrecinctReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


@transaction.atomic
def import_precincts(*, referendum: Referendum, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> PrecinctReport:
    """Precincts from a table with columns number, district (KATO code), address, voters. A known
    number updates its address and list size; every bad row is reported with its number."""
    report = PrecinctReport()
    districts = {c.code: c for c in Commission.objects.filter(referendum=referendum, level=Level.TERRITORIAL)}
    existing = {c.code: c for c in Commission.objects.precincts().filter(referendum=referendum)}
    seen: set[str] = set()
    for number, row in rows:
        try:
            precinct_number = tally.parse_count(row.get("number"))
            voters = tally.parse_count(row.get("voters"))
        except tally.CountError as exc:
            report.errors.append((number, _("number and voters must be whole numbers (%(error)s)") % {"error": exc}))
            continue
        assert precinct_number is not None and voters is not None
        code = str(precinct_number)
        district = districts.get(str(row.get("district") or "").strip().removesuffix(".0"))
        if district is None:
            report.errors.append((number, _("unknown district “%(code)s”") % {"code": str(row.get("district"))[:20]}))
            continue
        if code in seen:
            report.errors.append((number, _("precinct %(code)s appears twice in the file") % {"code": code}))
            continue
        seen.add(code)
        address = str(row.get("address") or "").strip()[:300]
        precinct = existing.get(code)
        if precinct is None:
            add_precinct(territorial=district, number=precinct_number, address=address, voters=voters)
            report.created += 1
        elif precinct.parent_id != district.pk:
            report.errors.append((number, _("precinct %(code)s belongs to another district") % {"code": code}))
        elif (precinct.address, precinct.voters) != (address, voters):
            precinct.address, precinct.voters = address, voters
            precinct.save(update_fields=["address", "voters"])
            report.updated += 1
    return report


def add_member(*, commission: Commission, user: Any, role: str = MemberRole.OPERATOR) -> Membership:
    """Attach an operator to a commission (in their own region, unless they are national)."""
    if not user.is_operator:
        raise ValidationError(_("Only referendum operators can be commission members."))
    if commission.region and not user.covers_region(commission.region):
        raise ValidationError(_("The operator works in another region."))
    membership, _created = Membership.objects.update_or_create(commission=commission, user=user, defaults={"role": role})
    return membership


# --- checking figures ---------------------------------------------------------------------------------


def clean_figures(figures: Mapping[str, Any], *, required: bool = True) -> dict[str, int | None]:
    """Every line parsed as a count; a ValidationError naming each bad line."""
    cleaned: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for name in tally.FIELDS:
        try:
            cleaned[name] = tally.parse_count(figures.get(name), required=required)
        except tally.CountError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return cleaned


def _checked(figures: Mapping[str, int | None], explanation: str) -> tuple[list[dict[str, Any]], str]:
    """The control violations, or a ValidationError when they come without an explanation."""
    explanation = (explanation or "").strip()
    if len(explanation) > MAX_TEXT:
        raise ValidationError(_("The explanation is too long (at most %(n)d characters).") % {"n": MAX_TEXT})
    violations = [v.as_dict() for v in tally.check(figures)]
    if violations and not explanation:
        raise ValidationError(
            _("The figures break %(n)d control relation(s); write an explanation to accept them.") % {"n": len(violations)},
            code="needs_explanation",
        )
    return violations, explanation


def _snapshot(protocol: Protocol) -> dict[str, Any]:
    return {**protocol.figures(), "status": protocol.status, "violations": protocol.violations}


# --- tallies -----------------------------------------------------------------------------------------


def _apply_delta(protocol: Protocol, before: Mapping[str, int], was_counted: bool, was_flagged: bool) -> None:
    """Add the change of one protocol to the tallies of its ancestors (one UPDATE)."""
    now_counted = protocol.is_counted
    delta = tally.difference(protocol.counted_figures(), before)
    counted = int(now_counted) - int(was_counted)
    flagged = int(now_counted and protocol.is_flagged) - int(was_counted and was_flagged)
    if not counted and not flagged and not any(delta.values()):
        return
    updates: dict[str, Any] = {name: F(name) + value for name, value in delta.items() if value}
    if counted:
        updates["protocols"] = F("protocols") + counted
    if flagged:
        updates["flagged"] = F("flagged") + flagged
    ids = protocol.commission.ancestor_ids()
    touched = Tally.objects.filter(commission_id__in=ids, question_id=protocol.question_id).update(**updates)
    if touched < len(ids):
        ensure_tallies(protocol.question.referendum)
        Tally.objects.filter(commission_id__in=ids, question_id=protocol.question_id).update(**updates)


def _counted_state(protocol: Protocol) -> tuple[dict[str, int], bool, bool]:
    return protocol.counted_figures(), protocol.is_counted, protocol.is_flagged


@dataclass
class RecountReport:
    rows: int = 0
    differences: list[tuple[str, int, str, int, int]] = field(default_factory=list)  # code, question, line, stored, recounted


@transaction.atomic
def recount(referendum: Referendum, *, write: bool = True) -> RecountReport:
    """Rebuild every tally from the counted precinct protocols; report what differed."""
    ensure_tallies(referendum)
    sums = {name: Sum(name) for name in tally.FIELDS}
    rows = (
        Protocol.objects.counted().filter(question__referendum=referendum)
        .values("commission__parent_id", "question_id")
        .annotate(n=Count("pk"), n_flagged=Count("pk", filter=Q(is_flagged=True)), **sums)
    )
    parents = dict(Commission.objects.filter(referendum=referendum).exclude(level=Level.PRECINCT).values_list("pk", "parent_id"))
    fresh: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {**tally.zero(), "protocols": 0, "flagged": 0})
    for row in rows:
        node: int | None = row["commission__parent_id"]
        while node is not None:
            target = fresh[(node, row["question_id"])]
            for name in tally.FIELDS:
                target[name] += row[name] or 0
            target["protocols"] += row["n"]
            target["flagged"] += row["n_flagged"]
            node = parents.get(node)
    report = RecountReport()
    changed = []
    names = (*tally.FIELDS, "protocols", "flagged")
    empty = {**tally.zero(), "protocols": 0, "flagged": 0}
    for stored in Tally.objects.filter(question__referendum=referendum).select_related("commission", "question"):
        report.rows += 1
        expected = fresh.get((stored.commission_id, stored.question_id), empty)
        diff = [(name, getattr(stored, name), expected[name]) for name in names if getattr(stored, name) != expected[name]]
        for name, old, new in diff:
            report.differences.append((stored.commission.code, stored.question.number, name, old, new))
            setattr(stored, name, new)
        if diff:
            changed.append(stored)
    if write and changed:
        # An upsert on (commission, question): one statement instead of a CASE per column.
        Tally.objects.bulk_create(changed, update_conflicts=True, unique_fields=["commission", "question"],
                                  update_fields=list(names), batch_size=1000)
    return report


# --- double entry --------------------------------------------------------------------------------------


def _confirm(protocol: Protocol, figures: Mapping[str, int | None], violations: list[dict[str, Any]], explanation: str) -> None:
    protocol.set_figures(figures)
    protocol.violations = violations
    protocol.is_flagged = bool(violations)
    protocol.explanation = explanation if violations else ""
    protocol.status = Status.CONFIRMED
    protocol.confirmed_at = timezone.now()


@transaction.atomic
def submit_entry(
    *, operator: Any, precinct: Commission, question: Question, figures: Mapping[str, Any], explanation: str = "",
) -> Protocol:
    """One operator's entry of a precinct protocol. Two matching entries by different operators
    confirm it; differing ones put it in "mismatch" until re-entered or resolved by a chair."""
    _require(precinct.level == Level.PRECINCT and question.referendum_id == precinct.referendum_id)
    _require(can_enter(operator, precinct))
    cleaned = clean_figures(figures)
    violations, explanation = _checked(cleaned, explanation)
    protocol, _created = Protocol.objects.select_for_update().get_or_create(commission=precinct, question=question)
    if protocol.status == Status.CONFIRMED:
        raise ValidationError(_("This protocol is already confirmed; make a correction with a reason instead."))
    protocol.entries.filter(operator=operator, is_active=True).update(is_active=False)
    ProtocolEntry.objects.create(protocol=protocol, operator=operator, figures=cleaned, explanation=explanation)
    ProtocolEvent.objects.create(protocol=protocol, user=operator, kind=EventKind.ENTRY, after=cleaned, reason=explanation)
    other = protocol.entries.filter(is_active=True).exclude(operator=operator).order_by("-created_at", "-pk").first()
    if other is None:
        protocol.status = Status.AWAITING
    elif tally.mismatches(other.figures, cleaned):
        protocol.status = Status.MISMATCH
        ProtocolEvent.objects.create(
            protocol=protocol, user=operator, kind=EventKind.MISMATCH,
            before=other.figures, after=cleaned, reason=", ".join(tally.mismatches(other.figures, cleaned)),
        )
    else:
        before = _counted_state(protocol)
        reasons = "\n".join(e for e in (other.explanation, explanation) if e)
        _confirm(protocol, cleaned, violations, reasons)
        protocol.source = "double entry"
        protocol.save()
        ProtocolEvent.objects.create(protocol=protocol, user=operator, kind=EventKind.CONFIRM, after=_snapshot(protocol))
        _apply_delta(protocol, *before)
        return protocol
    protocol.save()
    return protocol


def active_entries(protocol: Protocol) -> list[ProtocolEntry]:
    """The latest active entry of each operator (at most two are compared)."""
    latest: dict[int, ProtocolEntry] = {}
    for entry in protocol.entries.filter(is_active=True).select_related("operator"):
        latest[entry.operator_id] = entry
    return sorted(latest.values(), key=lambda e: (e.created_at, e.pk))[-2:]


@transaction.atomic
def resolve_protocol(
    *, chair: Any, protocol: Protocol, figures: Mapping[str, Any], reason: str, explanation: str = "",
) -> Protocol:
    """A chair settles a protocol whose entries differ (or lack a second entry) with final figures."""
    protocol = Protocol.objects.select_for_update().select_related("commission", "question").get(pk=protocol.pk)
    _require(can_resolve(chair, protocol.commission))
    if protocol.status == Status.CONFIRMED:
        raise ValidationError(_("This protocol is already confirmed; make a correction with a reason instead."))
    reason = _reason(reason)
    cleaned = clean_figures(figures)
    violations, explanation = _checked(cleaned, explanation)
    before_snapshot = _snapshot(protocol)
    before = _counted_state(protocol)
    _confirm(protocol, cleaned, violations, explanation)
    protocol.source = "resolved by the chair"
    protocol.save()
    protocol.entries.filter(is_active=True).update(is_active=False)
    ProtocolEvent.objects.create(protocol=protocol, user=chair, kind=EventKind.RESOLVE, reason=reason,
                                 before=before_snapshot, after=_snapshot(protocol))
    _apply_delta(protocol, *before)
    return protocol


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for this change."), code="reason")
    if len(reason) > MAX_TEXT:
        raise ValidationError(_("The reason is too long (at most %(n)d characters).") % {"n": MAX_TEXT})
    return reason


@transaction.atomic
def correct_protocol(
    *, operator: Any, protocol: Protocol, figures: Mapping[str, Any], reason: str, explanation: str = "",
) -> Protocol:
    """Change a confirmed protocol: a reason is required, history keeps before and after, and
    the tallies above it move by the difference."""
    protocol = Protocol.objects.select_for_update().select_related("commission", "question").get(pk=protocol.pk)
    _require(can_enter(operator, protocol.commission))
    if protocol.status != Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed protocol can be corrected; enter it instead."))
    reason = _reason(reason)
    cleaned = clean_figures(figures, required=protocol.commission.level == Level.PRECINCT)
    violations, explanation = _checked(cleaned, explanation)
    before_snapshot = _snapshot(protocol)
    before = _counted_state(protocol)
    _confirm(protocol, cleaned, violations, explanation)
    protocol.save()
    ProtocolEvent.objects.create(protocol=protocol, user=operator, kind=EventKind.CORRECT, reason=reason,
                                 before=before_snapshot, after=_snapshot(protocol))
    _apply_delta(protocol, *before)
    return protocol


@transaction.atomic
def enter_summary_protocol(
    *, operator: Any, commission: Commission, question: Question, figures: Mapping[str, Any],
    explanation: str = "", source: str = "",
) -> Protocol:
    """The protocol of a territorial, regional or the central commission (for instance published
    national figures). Lines it does not carry stay empty. It is checked like any protocol and
    shown next to the tally, never added to it."""
    _require(commission.level != Level.PRECINCT and question.referendum_id == commission.referendum_id)
    _require(can_enter(operator, commission))
    cleaned = clean_figures(figures, required=False)
    violations, explanation = _checked(cleaned, explanation)
    protocol, _created = Protocol.objects.select_for_update().get_or_create(commission=commission, question=question)
    before_snapshot = _snapshot(protocol)
    _confirm(protocol, cleaned, violations, explanation)
    protocol.source = source[:200]
    protocol.save()
    ProtocolEvent.objects.create(protocol=protocol, user=operator, kind=EventKind.ENTRY, reason=source[:MAX_TEXT],
                                 before=before_snapshot, after=_snapshot(protocol))
    return protocol


# --- import ---------------------------------------------------------------------------------------------

IMPORT_COLUMNS = ("precinct", "question", *tally.FIELDS, "explanation")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


class ImportFileError(ValueError):
    pass


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Protocol rows of a CSV or XLSX file (see read_rows)."""
    return read_rows(data, filename, required=("precinct", "question", *tally.FIELDS))


def read_rows(data: bytes, filename: str, *, required: Sequence[str]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV (UTF-8 or cp1251, comma or semicolon) or XLSX file as (row number, dict),
    with the header row as row 1. Raises ImportFileError for a file that cannot be read at all."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("The file is too large (at most 20 MB)."))
    if Path(filename).suffix.lower() == ".xlsx":
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise ImportFileError(_("Too many rows (at most %(n)d).") % {"n": MAX_IMPORT_ROWS})
    result = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in values):
            continue
        result.append((number, {h: (values[i] if i < len(values) else None) for i, h in enumerate(header) if h}))
    return result


def _csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")
    if "\x00" in text:
        raise ImportFileError(_("This is not a CSV file."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    try:
        rows = read_first_sheet(data, max_unpacked_bytes=10 * MAX_IMPORT_BYTES, max_rows=MAX_IMPORT_ROWS + 2)
    except WorkbookTooLarge as exc:
        raise ImportFileError(_("The XLSX file unpacks to too much data.")) from exc
    except WorkbookError as exc:
        raise ImportFileError(_("The XLSX file cannot be read.")) from exc
    return [list(row) for row in rows]


@transaction.atomic
def import_protocols(*, operator: Any, referendum: Referendum, rows: Iterable[tuple[int, Mapping[str, Any]]],
                     source: str = "import") -> ImportReport:
    """Import confirmed precinct protocols. Every bad row is reported with its number and skipped;
    the rest go in. Importing the same file again changes nothing; a changed row is recorded as a
    correction. The tallies are recounted once at the end."""
    report = ImportReport()
    member_of = commission_ids_of(operator, referendum)
    precincts: dict[str, int] = dict(
        Commission.objects.precincts().filter(referendum=referendum).values_list("code", "pk"))
    allowed: set[int] = set()
    if member_of:
        lineage = Commission.objects.filter(referendum=referendum, level=Level.PRECINCT).values_list(
            "pk", "parent_id", "parent__parent_id", "parent__parent__parent_id")
        allowed = {row[0] for row in lineage if any(pk in member_of for pk in row)}
    questions = {str(q.number): q for q in referendum.questions.all()}
    existing = {(p.commission_id, p.question_id): p for p in Protocol.objects.filter(question__referendum=referendum)}
    seen: set[tuple[int, int]] = set()
    to_create: list[tuple[int, int, dict[str, int | None], list[dict[str, Any]], str]] = []
    to_update: list[Protocol] = []
    events: list[tuple[Protocol, str, dict[str, Any] | None, str]] = []
    now = timezone.now()
    source = source[:200]
    for number, row in rows:
        code = str(row.get("precinct") or "").strip()
        if isinstance(row.get("precinct"), float) and float(row["precinct"]).is_integer():
            code = str(int(row["precinct"]))
        precinct_id = precincts.get(code)
        if precinct_id is None:
            report.errors.append((number, _("unknown precinct “%(code)s”") % {"code": code[:40]}))
            continue
        if precinct_id not in allowed:
            report.errors.append((number, _("precinct %(code)s is not under your commission") % {"code": code}))
            continue
        question_key = str(row.get("question") or "1").strip().removesuffix(".0")
        question = questions.get(question_key)
        if question is None:
            report.errors.append((number, _("unknown question “%(q)s”") % {"q": question_key[:10]}))
            continue
        key = (precinct_id, question.pk)
        if key in seen:
            report.errors.append((number, _("precinct %(code)s, question %(q)s appears twice in the file")
                                  % {"code": code, "q": question_key}))
            continue
        try:
            cleaned = clean_figures(row)
            violations, explanation = _checked(cleaned, str(row.get("explanation") or ""))
        except ValidationError as exc:
            report.errors.append((number, _describe(exc)))
            continue
        seen.add(key)
        protocol = existing.get(key)
        if protocol is None:
            to_create.append((precinct_id, question.pk, cleaned, violations, explanation if violations else ""))
            report.created += 1
            continue
        if protocol.status == Status.CONFIRMED and not tally.mismatches(protocol.figures(), cleaned) \
                and protocol.violations == violations:
            report.unchanged += 1
            continue
        before = _snapshot(protocol)
        _confirm(protocol, cleaned, violations, explanation)
        protocol.confirmed_at, protocol.source = now, source
        to_update.append(protocol)
        events.append((protocol, EventKind.IMPORT if before["status"] != Status.CONFIRMED else EventKind.CORRECT, before, source))
        report.updated += 1
    if to_update:
        Protocol.objects.bulk_update(
            to_update, [*tally.FIELDS, "status", "is_flagged", "violations", "explanation", "confirmed_at", "source"],
            batch_size=1000,
        )
        ProtocolEntry.objects.filter(protocol__in=to_update, is_active=True).update(is_active=False)
    event_rows = [(p.pk, operator.pk, kind, reason, before, _snapshot(p)) for p, kind, before, reason in events]
    if to_create:
        event_rows += _insert_new_protocols(referendum, to_create, operator=operator, source=source, now=now)
    _insert_rows(ProtocolEvent, ["protocol", "user", "kind", "reason", "before", "after", "created_at"],
                 [(*row[:4], _json(row[4]), _json(row[5]), now) for row in event_rows])
    if to_create or to_update:
        recount(referendum)
    return report


def _insert_new_protocols(referendum: Referendum, rows: list[tuple[int, int, dict[str, int | None], list[dict[str, Any]], str]],
                          *, operator: Any, source: str, now: Any) -> list[tuple[Any, ...]]:
    """Insert new confirmed protocols in batches (executemany: an import of 10,000 precincts has
    to go in within seconds) and return their history rows."""
    columns = ["commission", "question", "status", *tally.FIELDS, "is_flagged", "violations", "explanation",
               "source", "confirmed_at", "updated_at"]
    values = [(commission_id, question_id, Status.CONFIRMED, *(figures[n] for n in tally.FIELDS), bool(violations),
               _json(violations), explanation, source, now, now)
              for commission_id, question_id, figures, violations, explanation in rows]
    _insert_rows(Protocol, columns, values)
    commission_ids = {row[0] for row in rows}
    ids = {(c, q): pk for c, q, pk in Protocol.objects.filter(question__referendum=referendum).values_list(
        "commission_id", "question_id", "pk") if c in commission_ids}
    events = []
    for commission_id, question_id, figures, violations, _explanation in rows:
        after = {**figures, "status": Status.CONFIRMED, "violations": violations}
        events.append((ids[(commission_id, question_id)], operator.pk, EventKind.IMPORT, source, None, after))
    return events


def _json(value: Any) -> Any:
    """A JSON value as the database driver expects it (JSONField's own preparation)."""
    return Protocol._meta.get_field("violations").get_db_prep_save(value, connection)


def _insert_rows(model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    # Only model metadata goes into the statement; every value is a parameter.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a statement per row (the same columns and values).
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start:start + 2000])


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {', '.join(str(m) for m in messages)}" for name, messages in exc.message_dict.items())
    return " ".join(str(m) for m in exc.messages)


# --- turnout through the day ------------------------------------------------------------------------------


@transaction.atomic
def report_turnout(*, operator: Any, precinct: Commission, hour: int, voted: int) -> TurnoutReport:
    """How many had voted in a precinct by a fixed hour; never more than the list, never less
    than an earlier report nor more than a later one."""
    _require(precinct.level == Level.PRECINCT)
    _require(can_enter(operator, precinct))
    if hour not in TURNOUT_HOURS:
        raise ValidationError(_("Turnout is reported at 10:00, 12:00, 14:00, 16:00, 18:00 and 20:00."))
    try:
        voted_count = tally.parse_count(voted)
    except tally.CountError as exc:
        raise ValidationError(_("The number of voters is not a valid count.")) from exc
    assert voted_count is not None
    if precinct.voters and voted_count > precinct.voters:
        raise ValidationError(_("More voters than on the list (%(n)d).") % {"n": precinct.voters})
    others = dict(TurnoutReport.objects.filter(commission=precinct).exclude(hour=hour).values_list("hour", "voted"))
    if any(h < hour and v > voted_count for h, v in others.items()):
        raise ValidationError(_("Fewer voters than reported at an earlier hour."))
    if any(h > hour and v < voted_count for h, v in others.items()):
        raise ValidationError(_("More voters than reported at a later hour."))
    report, _created = TurnoutReport.objects.update_or_create(
        commission=precinct, hour=hour, defaults={"voted": voted_count, "entered_by": operator},
    )
    return report
