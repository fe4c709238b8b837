"""Organisation services: reference data loading and bulk creation of trees."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.db import transaction

from thidua.core.text import fold
from thidua.orgs.models import Organization, OrganizationKind, Person

PROVINCES_CSV = Path(__file__).parent / "data" / "provinces.csv"


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@transaction.atomic
def load_provinces(path: Path = PROVINCES_CSV) -> dict[tuple[str, date | None], Organization]:
    """Load (or refresh) the 63 pre-2025 and 34 post-2025 provinces and the merger links.

    Idempotent: rows are matched on (official code, valid_from).
    """
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_key: dict[tuple[str, date | None], Organization] = {}
    for row in rows:
        key = (row["code"], _date(row["valid_from"]))
        org = Organization.objects.filter(
            kind=OrganizationKind.PROVINCE, admin_code=row["code"], valid_from=key[1]
        ).first() or Organization(kind=OrganizationKind.PROVINCE, admin_code=row["code"], valid_from=key[1])
        org.name = row["name"]
        org.name_en = row["name_en"]
        org.short_name = ("Thành phố " if row["kind"] == "city" else "Tỉnh ") + row["name"]
        org.valid_to = _date(row["valid_to"])
        org.save()
        by_key[key] = org
    new_units = {code: org for (code, start), org in by_key.items() if start is not None}
    for row in rows:
        if row["successor_code"]:
            org = by_key[(row["code"], _date(row["valid_from"]))]
            successor = new_units[row["successor_code"]]
            if org.successor_id != successor.pk:
                org.successor = successor
                org.save(update_fields=["successor"])
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
