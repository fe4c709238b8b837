"""Award services: the catalogue, decisions and award records."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from thidua.awards.models import Award, AwardType
from thidua.core.text import fold

CATALOGUE_CSV = Path(__file__).parent / "data" / "catalogue.csv"


@transaction.atomic
def load_catalogue(path: Path = CATALOGUE_CSV) -> dict[str, AwardType]:
    """Load (or refresh) the award catalogue of rules.md section 1; matched on code."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        defaults = {
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
        out[row["code"]], _ = AwardType.objects.update_or_create(code=row["code"], defaults=defaults)
    return out


def bulk_record_awards(awards: list[Award], batch_size: int = 2000) -> list[Award]:
    """Insert many award records (imports, the demo). The caller has validated them;
    folded names and the province of the unit at the time are filled in here."""
    for a in awards:
        a.recipient_name_folded = fold(a.recipient_name)
        if a.province_id is None:
            a.province_id = a.unit.province_id
    return Award.objects.bulk_create(awards, batch_size=batch_size)
