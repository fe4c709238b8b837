"""Award services: the catalogue, decisions and award records."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.awards import authority as auth
from thidua.awards.models import (
    Award,
    AwardType,
    Basis,
    Decision,
    Discipline,
    DisciplineLevel,
    Evaluation,
    Initiative,
    InitiativeScope,
    Rating,
    RecipientClass,
    RecipientKind,
    Revocation,
    recipient_kind_of,
)
from thidua.core import audit, refusals
from thidua.core.refusals import Conflict
from thidua.lib.refresh import assign
from thidua.lib.text import fold
from thidua.lib.uploads import JPEG, PDF, PNG, check_upload
from thidua.orgs.models import Organization, Person
from thidua.orgs.scope import scope_for

CATALOGUE_CSV = Path(__file__).parent / "data" / "catalogue.csv"


@transaction.atomic
def load_catalogue(path: Path = CATALOGUE_CSV) -> dict[str, AwardType]:
    """Load (or refresh) the award catalogue of rules.md section 1; matched on code. Three queries whatever its
    size: the types already there, the new ones inserted, the changed ones updated (rank changes reach the award
    rows through the sort-key triggers, awards/sort_keys.py)."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    wanted = {
        row["code"]: {
            "name": row["name"],
            "name_en": row["name_en"],
            "category": row["category"],
            "level": row["level"],
            "granted_by": row["granted_by"],
            "for_individual": row["for_individual"] == "1",
            "for_collective": row["for_collective"] == "1",
            "for_household": row["for_household"] == "1",
            "legal_basis": row["legal_basis"],
            "prize_coefficient_individual": Decimal(row["prize_individual"]) if row["prize_individual"] else None,
            "prize_coefficient_collective": Decimal(row["prize_collective"]) if row["prize_collective"] else None,
            "report_group": row["report_group"],
            "rank": int(row["rank"]),
        }
        for row in rows
    }
    existing = AwardType.objects.select_for_update().in_bulk(list(wanted), field_name="code")
    new, changed = [], []
    for code, values in wanted.items():
        award_type = existing.get(code)
        if award_type is None:
            new.append(AwardType(code=code, **values))
        elif assign(award_type, values):
            changed.append(award_type)
    created = {t.code: t for t in AwardType.objects.bulk_create(new)}
    if changed:
        AwardType.objects.bulk_update(changed, list(wanted[changed[0].code]))  # every row sets the same fields
    return {code: existing.get(code) or created[code] for code in wanted}


def bulk_record_awards(awards: list[Award], batch_size: int = 2000) -> list[Award]:
    """Insert many award records (imports, the demo). The caller has validated them;
    folded names, the province of the unit at the time and the sort keys are filled in here."""
    from thidua.awards import sort_keys

    for a in awards:
        a.recipient_name_folded = fold(a.recipient_name)
        if a.province_id is None:
            a.province_id = a.unit.province_id
    sort_keys.fill(awards)
    return Award.objects.bulk_create(awards, batch_size=batch_size)


# ---------------------------------------------------------------------------
# The personal record: each write is one transaction with its audit row;
# a refusal writes a "denied" audit row and changes nothing else.
# ---------------------------------------------------------------------------


def _require_edit(user, org, obj_label: str, obj=None) -> None:
    if not scope_for(user).can_edit(org):
        refusals.deny(user, obj, f"Bạn không có quyền sửa hồ sơ của {org.name}.", what=obj_label,
                      reason=f"Không có quyền sửa hồ sơ của {org.name}")


def _check_year(year: int) -> None:
    if not 1945 <= int(year) <= date.today().year:
        raise ValidationError({"year": f"Năm {year} không hợp lệ (1945–{date.today().year})."})


def record_evaluation(user, *, year: int, rating: str, person: Person | None = None,
                      organization: Organization | None = None, on_maternity_leave: bool | None = None) -> Evaluation:
    """Set (or correct) the yearly rating of a person or a collective, and whether the person was on
    maternity leave that year (None: unchanged; it counts as working time for the eligibility rules)."""
    if (person is None) == (organization is None):
        raise ValidationError("Cần đúng một đối tượng: cá nhân hoặc tập thể.")
    subject_org = person.organization if person else organization
    _require_edit(user, subject_org, "awards.evaluation")
    _check_year(year)
    if rating not in Rating.values:
        raise ValidationError({"rating": f"Xếp loại {rating!r} không hợp lệ; dùng một trong: {', '.join(Rating.values)}."})
    if on_maternity_leave and person is None:
        raise ValidationError({"on_maternity_leave": "Nghỉ thai sản chỉ ghi cho cá nhân, không cho tập thể."})

    with transaction.atomic():
        existing = Evaluation.objects.select_for_update().filter(person=person, organization=organization, year=year).first()
        if existing is None:
            ev = Evaluation.objects.create(person=person, organization=organization, year=year, rating=rating,
                                           on_maternity_leave=bool(on_maternity_leave))
            audit.record("create", ev, after=audit.snapshot(ev), user=user)
            return ev
        before = audit.snapshot(existing)
        existing.rating = rating
        if on_maternity_leave is not None:
            existing.on_maternity_leave = on_maternity_leave
        existing.save(update_fields=["rating", "on_maternity_leave"])
        audit.record("change", existing, before=before, after=audit.snapshot(existing), only_changes=True, user=user)
        return existing


def record_initiative(user, *, person: Person, title: str, scope: str, year: int, kind: str = "initiative",
                      code: str = "", recognised_by: str = "") -> Initiative:
    _require_edit(user, person.organization, "awards.initiative")
    _check_year(year)
    if scope not in InitiativeScope.values:
        raise ValidationError({"scope": f"Phạm vi {scope!r} không hợp lệ; dùng: {', '.join(InitiativeScope.values)}."})

    with transaction.atomic():
        initiative = Initiative.objects.create(person=person, title=title, scope=scope, year=year, kind=kind,
                                               code=code, recognised_by=recognised_by)
        audit.record("create", initiative, after=audit.snapshot(initiative), user=user)
        return initiative


def use_initiative(user, initiative: Initiative, award: Award) -> Initiative:
    """Tie an initiative to the award that relies on it; one initiative serves one award only."""
    _require_edit(user, award.unit, "awards.initiative", initiative)

    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if locked.used_for_id and locked.used_for_id != award.pk:
            used = locked.used_for
            raise ValidationError(f"Sáng kiến “{locked.title}” đã được dùng cho {used.award_type.code} năm {used.year} "
                                  f"(QĐ {used.decision.number}); mỗi sáng kiến chỉ dùng cho một lần khen thưởng.")
        before = audit.snapshot(locked)
        locked.used_for = award
        locked.save(update_fields=["used_for"])
        audit.record("change", locked, before=before, after=audit.snapshot(locked), only_changes=True, user=user)
        return locked


def record_discipline(user, *, person: Person, level: str, starts_on: date, ends_on: date | None = None,
                      decision: str = "") -> Discipline:
    _require_edit(user, person.organization, "awards.discipline")
    if level not in DisciplineLevel.values:
        raise ValidationError({"level": f"Hình thức kỷ luật {level!r} không hợp lệ."})
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "Ngày kết thúc kỷ luật trước ngày bắt đầu."})

    with transaction.atomic():
        d = Discipline.objects.create(person=person, level=level, starts_on=starts_on, ends_on=ends_on, decision=decision)
        audit.record("create", d, after=audit.snapshot(d), user=user)
        return d


def revoke_award(user, award: Award, *, decision: Decision, reason: str) -> Revocation:
    """Revoke an award: a new event with its decision; the award row is never edited. Only the authority that
    granted the award (or its successor after a merger) revokes it, through its own emulation office, or by a
    transcription of its decision recorded by the office of the recipient's province (awards.authority)."""
    auth.require(auth.can_revoke(user, award, authority=decision.authority, transcribed_by=decision.transcribed_by,
                                 signed_on=decision.signed_on), user, award)
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do thu hồi."})

    with transaction.atomic():
        if Revocation.objects.select_for_update().filter(award=award).exists():
            raise Conflict(f"Khen thưởng này đã bị thu hồi (bản ghi #{award.pk}).")
        revocation = Revocation.objects.create(award=award, decision=decision, reason=reason,
                                               created_by=user if getattr(user, "pk", None) else None)
        audit.record("create", revocation, after=audit.snapshot(revocation), user=user)
        return revocation


# ---------------------------------------------------------------------------
# Decisions recorded outside the dossier flow (historical records, decisions of other authorities).
# ---------------------------------------------------------------------------


def _recipient_unit(row: dict) -> Organization | None:
    """The unit of a row's recipient (None unless exactly one recipient is named)."""
    person, org, household = row.get("person"), row.get("organization"), row.get("household")
    if sum(x is not None for x in (person, org, household)) != 1:
        return None
    return person.organization if person is not None else org if org is not None else household.organization


def _award_row(n: int, row: dict, decision_year: int) -> Award:
    """Validate one award of a decision and build it (not saved). `n` numbers the row in messages."""
    where = f"Dòng {n}"
    person, org, household = row.get("person"), row.get("organization"), row.get("household")
    if sum(x is not None for x in (person, org, household)) != 1:
        raise ValidationError({"awards": f"{where}: cần đúng một người nhận (person, organization hoặc household)."})
    award_type: AwardType = row["award_type"]
    year = int(row["year"])
    if not 1945 <= year <= decision_year:
        raise ValidationError({"awards": f"{where}: năm thành tích {year} phải trong khoảng 1945–{decision_year} "
                                         f"(năm ký quyết định)."})
    if person is not None:
        unit, name, kind = person.organization, person.full_name, RecipientKind.INDIVIDUAL
        default_class = RecipientClass.DIRECT_WORKER if person.is_direct_worker else RecipientClass.INDIVIDUAL_OTHER
    elif org is not None:
        unit, name, kind = org, org.name, RecipientKind.COLLECTIVE
        default_class = RecipientClass.SMALL_COLLECTIVE if org.is_small_collective else RecipientClass.COLLECTIVE
    else:
        unit, name, kind = household.organization, f"Hộ {household.head_name}", RecipientKind.HOUSEHOLD
        default_class = RecipientClass.HOUSEHOLD
    recipient_class = row.get("recipient_class") or default_class
    if recipient_kind_of(recipient_class) != kind:
        raise ValidationError({"awards": f"{where}: đối tượng “{RecipientClass(recipient_class).label}” không hợp với "
                                         f"người nhận ({RecipientKind(kind).label.lower()})."})
    allowed = {RecipientKind.INDIVIDUAL: award_type.for_individual, RecipientKind.COLLECTIVE: award_type.for_collective,
               RecipientKind.HOUSEHOLD: award_type.for_household}[kind]
    if not allowed:
        raise ValidationError({"awards": f"{where}: {award_type.name} không dành cho "
                                         f"{RecipientKind(kind).label.lower()}."})
    if row.get("basis", Basis.MERIT) not in Basis.values:
        raise ValidationError({"awards": f"{where}: loại khen thưởng {row['basis']!r} không hợp lệ."})
    return Award(award_type=award_type, year=year, basis=row.get("basis") or Basis.MERIT,
                 recipient_class=recipient_class, recipient_person=person, recipient_org=org,
                 recipient_household=household, recipient_name=row.get("recipient_name") or name, unit=unit,
                 register_no=row.get("register_no", ""))


def _transcribing_office(user, units: list[Organization]) -> Organization | None:
    """The user's province or ministry office whose staff the recipients are (the first one covering them all)."""
    offices = auth.transcribing_offices(user)
    for office in offices:
        if all(auth.covers(office, u) for u in units) and (units or not auth._is_admin(user)):
            return office
    return None if auth._is_admin(user) else (offices[0] if offices else None)


def record_decision(user, *, authority: Organization, number: str, signed_on: date, awards: list[dict],
                    signer_name: str = "", signer_title: str = "", summary: str = "", transcribed: bool = False,
                    source_document=None, office: Organization | None = None) -> Decision:
    """Record a signed decision and its award records, decided outside the dossier flow (historical records),
    or a decision without awards (a revocation decision).

    Own decision (`transcribed=False`): only the authority's emulation office (or an administrator) records it;
    the award types must be within the authority's power and the recipients within its jurisdiction; its number
    is unique for the authority. Transcription (`transcribed=True`): a province's or ministry's office (`office`,
    by default the user's) records a copy of another authority's decision for its own staff, with the scanned
    source document; it is marked as such and never takes the authority's number. See awards.authority."""
    number = number.strip()
    if not number:
        raise ValidationError({"number": "Cần số quyết định."})
    if signed_on > date.today() or signed_on.year < 1945:
        raise ValidationError({"signed_on": f"Ngày ký {signed_on:%d/%m/%Y} không hợp lệ (từ 1945 đến hôm nay)."})
    units = [u for u in (_recipient_unit(row) for row in awards) if u is not None]
    types = [row["award_type"] for row in awards]
    if transcribed:
        office = office or _transcribing_office(user, units)
        verdict = auth.can_transcribe(user, authority, office, types, units, signed_on)
    else:
        office = None
        verdict = auth.can_issue(user, authority, types, units, signed_on)
    auth.require(verdict, user, what="awards.decision")
    if transcribed:
        if source_document is None:
            raise ValidationError({"source_document": "Bản ghi lại quyết định của cơ quan khác phải kèm bản chụp "
                                                      "văn bản gốc (PDF hoặc ảnh)."})

        try:  # the scan of a signed decision: PDF or a picture
            check_upload(source_document, allowed={".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG},
                         label="Văn bản gốc")
        except ValidationError as exc:
            raise ValidationError({"source_document": exc.messages}) from exc
    rows = [_award_row(n, row, signed_on.year) for n, row in enumerate(awards, start=1)]
    with transaction.atomic():
        if office is None:
            Organization.objects.select_for_update().filter(pk=authority.pk).first()  # one number at a time
            if Decision.objects.own().filter(authority=authority, number=number).exists():
                raise Conflict(f"{authority.name} đã có quyết định số {number}.")
        elif Decision.objects.filter(transcribed_by=office, authority=authority, number=number).exists():
            raise Conflict(f"{office.name} đã ghi lại quyết định số {number} của {authority.name}.")
        decision = Decision(authority=authority, number=number, signed_on=signed_on, signer_name=signer_name,
                            signer_title=signer_title, summary=summary, transcribed_by=office)
        if office is not None:
            decision.source_document.save(source_document.name, source_document, save=False)
        decision.save()
        for a in rows:
            a.decision = decision
        created = bulk_record_awards(rows)
        audit.record("create", decision, after={**audit.snapshot(decision), "awards": [a.pk for a in created]},
                     user=user, reason=f"Bản ghi lại, do {office.name} nhập" if office is not None else "")
        for a in created:
            audit.record("create", a, object_repr=f"{a.award_type.code} {a.year} — {a.recipient_name}",
                         after=audit.snapshot(a), user=user)
    return decision
