"""A subject's history as plain data: what the evaluator reads. No ORM here.

Built from the database by `loader.py`, or from the JSON input format by `from_input`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

RATING_ORDER = {"HTXS": 3, "HTT": 2, "HT": 1, "KHT": 0}
RATING_LABEL_VI = {"HTXS": "hoàn thành xuất sắc", "HTT": "hoàn thành tốt", "HT": "hoàn thành", "KHT": "không hoàn thành"}
SCOPE_ORDER = {"grassroots": 0, "provincial": 1, "national": 2}
SCOPE_LABEL_VI = {"grassroots": "cấp cơ sở", "provincial": "cấp bộ, ngành, tỉnh", "national": "toàn quốc"}
DISCIPLINE_ORDER = {"reprimand": 0, "warning": 1, "demotion": 2, "dismissal": 3}
DISCIPLINE_LABEL_VI = {"reprimand": "khiển trách", "warning": "cảnh cáo", "demotion": "hạ bậc lương, giáng chức",
                       "dismissal": "cách chức, buộc thôi việc"}


@dataclass(slots=True)
class InitiativeFact:
    id: str
    scope: str = "grassroots"
    kind: str = "initiative"  # or "research"
    used_for: str | None = None  # "AWARD:YEAR" of the award that already relied on it


@dataclass(slots=True)
class MemberStats:
    """A collective's members in one year (from Membership rows)."""

    count: int = 0
    ldtt: int = 0
    complete: int = 0  # rated HT or better
    cstdcs: int = 0
    disciplined: int = 0  # members with discipline of "cảnh cáo" or above in the year
    women: int = 0


class YearRecord:
    """One year of a subject's record. A plain slotted class: the loader builds millions."""

    __slots__ = ("rating", "awards", "initiatives", "discipline", "under_review", "members")

    def __init__(self, rating: str | None = None, awards: dict[str, str] | None = None,
                 initiatives: list[InitiativeFact] | None = None, discipline: str | None = None,
                 under_review: bool = False, members: MemberStats | None = None):
        self.rating = rating
        # Award codes that count for merit in this year (ad hoc/thematic and revoked ones are left
        # out), each with its evidence ("LDTT (QĐ 12/QĐ-UBND ngày 15/01/2024)").
        self.awards = {} if awards is None else awards
        self.initiatives = [] if initiatives is None else initiatives
        self.discipline = discipline  # the heaviest discipline in force during the year
        self.under_review = under_review
        self.members = members


EMPTY = YearRecord()


@dataclass(slots=True)
class Subject:
    id: str
    kind: str = "individual"  # or "collective"
    gender: str | None = None
    name: str = ""
    years: dict[int, YearRecord] = field(default_factory=dict)
    holds: dict[str, str] = field(default_factory=dict)  # forms held, without a year: code → evidence
    women_share: float | None = None  # collectives: share of women (tie-break)
    # Every award code found in `years`, when whoever built the subject already knows it (the loader
    # puts each award it reads in its year and in `holds`, and passes `holds`); None: the
    # evaluator collects it from the years (conditions.held_codes).
    award_codes: Collection[str] | None = None

    def year(self, y: int) -> YearRecord:
        return self.years.get(y, EMPTY)

    def award_years(self, code: str) -> list[int]:
        return sorted(y for y, r in self.years.items() if code in r.awards)


def from_input(data: dict) -> tuple[int, list[Subject]]:
    """Read the documented JSON input format (README: `thidua eligibility --input`)."""
    year = int(data["year"])
    subjects = []
    for raw in data.get("subjects", []):
        years = {}
        for y, rec in (raw.get("years") or {}).items():
            members = rec.get("members")
            years[int(y)] = YearRecord(
                rating=rec.get("rating"),
                awards={code: f"{code} {y}" for code in rec.get("awards", [])},
                initiatives=[InitiativeFact(id=str(i.get("id") or f"#{n + 1}"), scope=i.get("scope", "grassroots"),
                                            kind=i.get("kind", "initiative"), used_for=i.get("used_for") or None)
                             for n, i in enumerate(rec.get("initiatives", []))],
                discipline=rec.get("discipline"),
                under_review=bool(rec.get("under_review", False)),
                members=MemberStats(**members) if members else None,
            )
        subjects.append(Subject(
            id=str(raw["id"]), kind=raw.get("kind", "individual"), gender=raw.get("gender"), name=raw.get("name", ""),
            years=years, holds={code: code for code in raw.get("holds", [])},
        ))
    return year, subjects
