"""Organisation services: reference data loading and bulk creation of trees."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from thidua.core import audit, refusals
from thidua.core.refusals import Conflict
from thidua.lib.refresh import assign
from thidua.lib.text import fold
from thidua.orgs.models import TOP_LEVEL_KINDS, Organization, OrganizationKind, Person
from thidua.orgs.scope import scope_for
from thidua.orgs.validators import validate_citizen_id

PROVINCES_CSV = Path(__file__).parent / "data" / "provinces.csv"


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@transaction.atomic
def load_provinces(path: Path = PROVINCES_CSV) -> dict[tuple[str, date | None], Organization]:
    """Load (or refresh) the 63 pre-2025 and 34 post-2025 provinces and the merger links.

    Idempotent: rows are matched on (official code, valid_from). Set-based: the provinces already there read in
    one query, the new ones inserted with their paths (bulk_create_organizations), the changed ones updated.
    """
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = {(org.admin_code, org.valid_from): org
                for org in Organization.objects.filter(kind=OrganizationKind.PROVINCE)}
    by_key: dict[tuple[str, date | None], Organization] = {}
    new, changed = [], []
    for row in rows:
        key = (row["code"], _date(row["valid_from"]))
        values = {"name": row["name"], "name_en": row["name_en"],
                  "short_name": ("Thành phố " if row["kind"] == "city" else "Tỉnh ") + row["name"],
                  "valid_to": _date(row["valid_to"])}
        org = existing.get(key)
        if org is None:
            org = Organization(kind=OrganizationKind.PROVINCE, admin_code=row["code"], valid_from=key[1], **values)
            new.append(org)
        elif assign(org, {**values, "name_folded": fold(values["name"])}):
            changed.append(org)
        by_key[key] = org
    bulk_create_organizations(new)
    if changed:
        Organization.objects.bulk_update(changed, ["name", "name_en", "short_name", "valid_to", "name_folded"])
    new_units = {code: org for (code, start), org in by_key.items() if start is not None}
    moved = []
    for row in rows:
        if row["successor_code"]:
            org = by_key[(row["code"], _date(row["valid_from"]))]
            successor = new_units[row["successor_code"]]
            if org.successor_id != successor.pk:
                org.successor = successor
                moved.append(org)
    if moved:
        Organization.objects.bulk_update(moved, ["successor"])
    return by_key


def bulk_create_organizations(orgs: list[Organization], batch_size: int = 2000) -> list[Organization]:
    """Insert many organisations whose parents already exist, setting folded names,
    materialised paths and provinces in two set-based statements per batch."""
    for org in orgs:
        org.name_folded = fold(org.name)
        org.path = ""
    created = Organization.objects.bulk_create(orgs, batch_size=batch_size)
    for org in created:
        parent = org.parent
        org.path = f"{parent.path}{org.pk}/" if parent else f"/{org.pk}/"
        org.province_id = (parent.province_id or parent.pk) if parent else org.pk
    Organization.objects.bulk_update(created, ["path", "province"], batch_size=batch_size)
    return created


def bulk_create_people(people: list[Person], batch_size: int = 2000) -> list[Person]:
    for p in people:
        p.name_folded = fold(p.full_name)
    return Person.objects.bulk_create(people, batch_size=batch_size)


# ---------------------------------------------------------------------------
# Organisations and people one by one (API, forms): each write checks the scope, runs in one transaction
# with its audit row; a refusal writes a "denied" audit row and changes nothing.
# ---------------------------------------------------------------------------

ORG_FIELDS = ("name", "name_en", "short_name", "admin_code", "valid_from", "valid_to", "is_small_collective")
PERSON_FIELDS = ("full_name", "citizen_id", "gender", "birth_year", "ethnicity", "organization", "position",
                 "is_direct_worker")


def require_edit(user, org: Organization, what: str, obj=None) -> None:
    """Refuse (403) a write to the records of `org` outside the user's editing scope, with a 'denied' audit row."""
    if not scope_for(user).can_edit(org):
        refusals.deny(user, obj, f"Bạn không có quyền sửa dữ liệu của {org.name}.", what=what,
                      reason=f"Không có quyền sửa dữ liệu của {org.name}")


def _check_org(org: Organization) -> None:
    if org.valid_from and org.valid_to and org.valid_to < org.valid_from:
        raise ValidationError({"valid_to": "Ngày hết hiệu lực trước ngày bắt đầu hiệu lực."})
    if org.admin_code and Organization.objects.filter(kind=org.kind, admin_code=org.admin_code,
                                                      valid_from=org.valid_from).exclude(pk=org.pk).exists():
        raise Conflict(f"Mã hành chính {org.admin_code} đã dùng cho một {org.get_kind_display().lower()} khác "
                       f"cùng ngày hiệu lực.")


def create_organization(user, *, parent: Organization, kind: str, name: str, **fields) -> Organization:
    """A new organisation under `parent` (a department, commune, unit…). Provinces and ministries are
    reference data (load_provinces, the admin): not created here."""
    require_edit(user, parent, "orgs.organization")
    if kind in TOP_LEVEL_KINDS:
        raise ValidationError({"kind": "Tỉnh, bộ, Trung ương là dữ liệu danh mục; không tạo ở đây."})
    org = Organization(parent=parent, kind=kind, name=name, **{k: v for k, v in fields.items() if k in ORG_FIELDS})
    _check_org(org)
    with transaction.atomic():
        org.save()
        audit.record("create", org, after=audit.snapshot(org), user=user)
    return org


def update_organization(user, org: Organization, **changes) -> Organization:
    """Correct an organisation's names, code, validity or small-collective flag. Whoever edits the parent
    edits the organisation: a province office its departments, never the province itself (reference data)."""
    if org.parent is None or org.kind in TOP_LEVEL_KINDS:
        if not getattr(user, "is_superuser", False):
            refusals.deny(user, org, f"{org.name} là dữ liệu danh mục: chỉ quản trị hệ thống được sửa.",
                          reason=f"Chỉ quản trị hệ thống sửa {org.name}")
    else:
        require_edit(user, org.parent, "orgs.organization", org)
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=org.pk)
        before = audit.snapshot(locked)
        for key, value in changes.items():
            if key in ORG_FIELDS:
                setattr(locked, key, value)
        _check_org(locked)
        if audit.snapshot(locked) != before:  # an empty or unchanged PATCH writes nothing
            locked.save()  # save() refreshes the folded name: snapshot after it
            audit.record("change", locked, before=before, after=audit.snapshot(locked), only_changes=True,
                         user=user)
    return locked


def _check_person(person: Person) -> None:
    if person.birth_year is not None and not 1900 <= person.birth_year <= date.today().year:
        raise ValidationError({"birth_year": f"Năm sinh {person.birth_year} không hợp lệ (1900–{date.today().year})."})
    if person.citizen_id:
        try:
            validate_citizen_id(person.citizen_id, person.gender, person.birth_year)
        except ValidationError as exc:
            raise ValidationError({"citizen_id": exc.messages}) from exc
        if Person.objects.filter(citizen_id=person.citizen_id).exclude(pk=person.pk).exists():
            raise Conflict(f"Số định danh {person.citizen_id} đã có trong hệ thống.")


def create_person(user, *, organization: Organization, full_name: str, gender: str, **fields) -> Person:
    require_edit(user, organization, "orgs.person")
    person = Person(organization=organization, full_name=full_name, gender=gender,
                    **{k: v for k, v in fields.items() if k in PERSON_FIELDS})
    if not person.citizen_id:
        person.citizen_id = None  # unique: an absent number is NULL, not ""
    _check_person(person)
    with transaction.atomic():
        person.save()
        audit.record("create", person, after=audit.snapshot(person), user=user)
    return person


def update_person(user, person: Person, **changes) -> Person:
    """Correct a person's details or move them to another unit (both units must be editable)."""
    require_edit(user, person.organization, "orgs.person", person)
    target = changes.get("organization")
    if target is not None and target.pk != person.organization_id:
        require_edit(user, target, "orgs.person", person)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = audit.snapshot(locked)
        for key, value in changes.items():
            if key in PERSON_FIELDS:
                setattr(locked, key, value)
        if not locked.citizen_id:
            locked.citizen_id = None
        _check_person(locked)
        if audit.snapshot(locked) != before:
            locked.save()
            audit.record("change", locked, before=before, after=audit.snapshot(locked), only_changes=True,
                         user=user)
    return locked
