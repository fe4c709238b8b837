"""A subject's history as plain data: what the evaluator reads. No ORM here.

Built from the database by `loader.py`, or from the JSON input format by `from_input`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from thidua.eligibility.labels import award_vi

RATING_ORDER = {"HTXS": 3, "HTT": 2, "HT": 1, "KHT": 0}
RATING_LABEL_VI = {"HTXS": "hoàn thành xuất sắc", "HTT": "hoàn thành tốt", "HT": "hoàn thành", "KHT": "không hoàn thành"}
SCOPE_ORDER = {"grassroots": 0, "provincial": 1, "national": 2}
SCOPE_LABEL_VI = {"grassroots": "cấp cơ sở", "provincial": "cấp bộ, ngành, tỉnh", "national": "toàn quốc"}
DISCIPLINE_ORDER = {"reprimand": 0, "warning": 1, "demotion": 2, "dismissal": 3}
DISCIPLINE_LABEL_VI = {"reprimand": "khiển trách", "warning": "cảnh cáo", "demotion": "hạ bậc lương, giáng chức",
                       "dismissal": "cách chức, buộc thôi việc"}
# The armed forces' names of the same titles (Law 2022 arts. 24.2, 27.2, 28.2): the same rules apply, and a title
# held under either name counts for both.
ALIASES = {"CSTT": "LDTT", "DVTT": "TTLDTT", "DVQT": "TTLDXS"}
# Kinds of commendation (Law art. 8) that do not count toward merit awards (ND 98/2023 and ND 152/2025, art. 4).
NOT_COUNTING_KINDS = frozenset({"adhoc", "thematic"})
AWARD_KINDS = ("merit", "thematic", "adhoc", "foreign", "career", "service", "resistance")


def canonical(code: str) -> str:
    """The code the rules use for an award (an armed-forces name → the civil title)."""
    return ALIASES.get(code, code)


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

    __slots__ = ("rating", "awards", "initiatives", "discipline", "under_review", "members", "maternity", "led")

    def __init__(self, rating: str | None = None, awards: dict[str, str] | None = None,
                 initiatives: list[InitiativeFact] | None = None, discipline: str | None = None,
                 under_review: bool = False, members: MemberStats | None = None, maternity: bool = False,
                 led: str | None = None):
        self.rating = rating
        # Award codes that count for merit in this year (ad hoc/thematic and revoked ones are left
        # out), each with its evidence ("LDTT (QĐ 12/QĐ-UBND ngày 15/01/2024)").
        self.awards = {} if awards is None else awards
        self.initiatives = [] if initiatives is None else initiatives
        self.discipline = discipline  # the heaviest discipline in force during the year
        self.under_review = under_review
        self.members = members
        # On maternity leave in the year: the leave counts as working time (ND 98/2023 art. 4, ND 152/2025
        # art. 4), so such a year without a rating or title of its own does not break a run of years.
        self.maternity = maternity
        # A collective that led its emulation cluster or block in the year: "internal" (a cluster set up by a
        # ministry or province) or "central" (organised by the Central Council), from the cluster year's results.
        self.led = led


# Leadership posts of the career path (ND 152/2025 art. 21), highest first.
POSTS = {"director_general": "Tổng cục trưởng và tương đương", "deputy_director_general": "Phó Tổng cục trưởng và tương đương",
         "director": "Cục trưởng, Vụ trưởng và tương đương", "deputy_director": "Phó Cục trưởng, Phó Vụ trưởng và tương đương"}

LED_LEVELS = {"internal": "cụm, khối do bộ, ban, ngành, tỉnh tổ chức", "central": "cụm, khối do Hội đồng TĐKT Trung ương tổ chức"}

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
    # Years held in each leadership post (career awards, Law art. 44.1.g): post → years; see POSTS.
    posts: dict[str, float] = field(default_factory=dict)

    def year(self, y: int) -> YearRecord:
        return self.years.get(y, EMPTY)

    def award_years(self, code: str) -> list[int]:
        return sorted(y for y, r in self.years.items() if code in r.awards)


class InputError(ValueError):
    """The JSON input names something wrong: the message says what and where (in Vietnamese)."""


def _input_awards(raw, where: str) -> dict[str, str]:
    """The awards of a year that count toward merit: codes, or {"code", "kind", "decision"} objects;
    ad hoc and thematic awards are left out (ND 98/2023, ND 152/2025 art. 4)."""
    out = {}
    for n, item in enumerate(raw or []):
        if isinstance(item, str):
            code, kind, decision = item, "merit", ""
        elif isinstance(item, dict) and isinstance(item.get("code"), str):
            code, kind, decision = item["code"], item.get("kind") or "merit", item.get("decision") or ""
        else:
            raise InputError(f"{where}.awards[{n}]: cần một mã hình thức hoặc {{\"code\": …, \"kind\": …}}.")
        if kind not in AWARD_KINDS:
            raise InputError(f"{where}.awards[{n}]: loại khen thưởng {kind!r} không hợp lệ; dùng một trong: "
                             f"{', '.join(AWARD_KINDS)}.")
        if kind in NOT_COUNTING_KINDS:
            continue
        code = canonical(code)
        out[code] = f"{award_vi(code)} ({decision})" if decision else f"{award_vi(code)} {where.rsplit('.', 1)[-1]}"
    return out


def _led(value, where: str) -> str | None:
    if value in (None, "", False):
        return None
    if value not in LED_LEVELS:
        raise InputError(f"{where}.led_cluster: {value!r} không hợp lệ; dùng một trong: {', '.join(LED_LEVELS)}.")
    return value


def _date(value, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{where}: ngày {value!r} không hợp lệ (dạng YYYY-MM-DD).") from None


def apply_discipline(years: dict[int, YearRecord], level: str, starts_on: date, ends_on: date | None,
                     first: int, last: int) -> None:
    """A discipline in force from `starts_on` to `ends_on` (None: still in force) marks every year it touches
    (the heaviest level wins): achievements count again from the year after its end (ND 98/2023 art. 4)."""
    end_year = min((ends_on or date(last, 12, 31)).year, last)
    for y in range(max(starts_on.year, first), end_year + 1):
        rec = years.get(y)
        if rec is None:
            rec = years[y] = YearRecord()
        if rec.discipline is None or DISCIPLINE_ORDER[level] > DISCIPLINE_ORDER[rec.discipline]:
            rec.discipline = level


def input_years(data: dict) -> list[int]:
    """The years to consider, in order: `"year": 2024`, and/or `"years": [2018, …]` or `{"from": 2018, "to": 2025}`."""
    raw = data.get("years")
    years = {int(data["year"])} if data.get("year") is not None else set()
    if raw is None:
        if not years:
            raise InputError("year: cần năm xét (year) hoặc danh sách năm (years).")
    elif isinstance(raw, dict):
        lo, hi = int(raw["from"]), int(raw["to"])
        if hi < lo or hi - lo > 50:
            raise InputError(f"years: khoảng {lo}–{hi} không hợp lệ.")
        years.update(range(lo, hi + 1))
    elif isinstance(raw, list) and raw:
        years.update(int(y) for y in raw)
    else:
        raise InputError("years: cần một danh sách năm hoặc {\"from\": …, \"to\": …}.")
    return sorted(years)


def subjects_from_input(data: dict, last_year: int | None = None) -> list[Subject]:
    """Read the subjects of the documented JSON input format (README: `thidua eligibility --input`);
    a discipline with no end is in force up to `last_year` (default: the last year considered)."""
    last_year = last_year or input_years(data)[-1]
    subjects = []
    for i, raw in enumerate(data.get("subjects", [])):
        years = {}
        for y, rec in (raw.get("years") or {}).items():
            members = rec.get("members")
            where = f"subjects[{i}].years.{y}"
            years[int(y)] = YearRecord(
                rating=rec.get("rating"),
                awards=_input_awards(rec.get("awards"), where),
                initiatives=[InitiativeFact(id=str(i.get("id") or f"#{n + 1}"), scope=i.get("scope", "grassroots"),
                                            kind=i.get("kind", "initiative"), used_for=i.get("used_for") or None)
                             for n, i in enumerate(rec.get("initiatives", []))],
                discipline=rec.get("discipline"),
                under_review=bool(rec.get("under_review", False)),
                members=MemberStats(**members) if members else None,
                maternity=bool(rec.get("on_maternity_leave", False)),
                led=_led(rec.get("led_cluster"), where),
            )
        for n, d in enumerate(raw.get("disciplines") or []):
            where = f"subjects[{i}].disciplines[{n}]"
            level = d.get("level")
            if level not in DISCIPLINE_ORDER:
                raise InputError(f"{where}.level: mức kỷ luật {level!r} không hợp lệ; dùng một trong: "
                                 f"{', '.join(DISCIPLINE_ORDER)}.")
            starts_on = _date(d.get("starts_on"), f"{where}.starts_on")
            if starts_on is None:
                raise InputError(f"{where}.starts_on: cần ngày bắt đầu kỷ luật.")
            ends_on = _date(d.get("ends_on"), f"{where}.ends_on")
            if ends_on is not None and ends_on < starts_on:
                raise InputError(f"{where}: ngày kết thúc trước ngày bắt đầu.")
            # Only the years a rule may look at matter (runs reach back at most a few decades).
            apply_discipline(years, level, starts_on, ends_on, max(starts_on.year, last_year - 50), last_year)
        posts = {}
        for post, held in (raw.get("posts") or {}).items():
            if post not in POSTS:
                raise InputError(f"subjects[{i}].posts: chức vụ {post!r} không hợp lệ; dùng một trong: {', '.join(POSTS)}.")
            if not isinstance(held, (int, float)) or isinstance(held, bool) or not 0 <= held <= 60:
                raise InputError(f"subjects[{i}].posts.{post}: số năm giữ chức vụ phải là số từ 0 đến 60.")
            posts[post] = float(held)
        subjects.append(Subject(
            id=str(raw["id"]), kind=raw.get("kind", "individual"), gender=raw.get("gender"), name=raw.get("name", ""),
            years=years, holds={canonical(code): code for code in raw.get("holds", [])}, posts=posts,
        ))
    return subjects


def from_input(data: dict) -> tuple[int, list[Subject]]:
    """Read the documented JSON input format: the (last) year considered and the subjects."""
    year = input_years(data)[-1]
    return year, subjects_from_input(data, year)
