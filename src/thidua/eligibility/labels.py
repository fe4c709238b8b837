"""Award names for explanations: a reader sees "Chiến sĩ thi đua cơ sở", never the catalogue code "CSTDCS".

Read from the catalogue file (awards/data/catalogue.csv) rather than the database, so the engine stays pure Python;
a code that is not in the catalogue (an organisation's own title) is shown as it is."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "awards" / "data" / "catalogue.csv"
RATING_LABEL_EN = {"HTXS": "excellent", "HTT": "good", "HT": "satisfactory", "KHT": "unsatisfactory"}


@cache
def _names() -> dict[str, tuple[str, str]]:
    with open(CATALOGUE, encoding="utf-8", newline="") as f:
        return {row["code"]: (row["name"], row["name_en"] or row["name"]) for row in csv.DictReader(f)}


def award_vi(code: str) -> str:
    return _names().get(code, (code, code))[0]


def award_en(code: str) -> str:
    return _names().get(code, (code, code))[1]


def rating_en(code: str) -> str:
    return RATING_LABEL_EN.get(code, code)
