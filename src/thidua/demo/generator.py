"""Synthetic national data generator at national scale: `thidua generate`.

Builds, under existing provinces, a unit tree (departments → units → small
collectives), N people spread over the small collectives, and for each year of
the period each person's record: a task rating (persistent per person: good
people stay good), award records (LĐTT, CSTĐCS, CSTĐ tỉnh, Bằng khen tỉnh,
Bằng khen Thủ tướng, thematic/ad-hoc commendations), initiatives and research
projects (one initiative → at most one award, `Initiative.used_for`),
discipline and reviews; and for the collectives their members per year, their
ratings and their titles (TTLĐTT, TTLĐXS, Bằng khen tỉnh). Every award has an
illustrative decision (`Decision.is_illustrative`).

Deterministic: the same seed gives the same rows in the same order (ids too,
in a fresh database). Written with bulk inserts only: explicit ids and
`executemany` on SQLite, COPY (psycopg 3) on PostgreSQL, in one transaction.

    generate(people=6000, years=10, seed=1, province_code="04") -> {"awards_award": 45_000, ...}
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, timedelta
from typing import TextIO

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from thidua.awards import summary
from thidua.awards.models import (
    Award,
    AwardType,
    Basis,
    Decision,
    Discipline,
    DisciplineLevel,
    Evaluation,
    Initiative,
    InitiativeKind,
    InitiativeScope,
    Membership,
    Rating,
    RecipientClass,
    Review,
    ReviewKind,
)
from thidua.awards.services import load_catalogue
from thidua.demo import names
from thidua.eligibility import snapshots
from thidua.lib.numbers import format_number
from thidua.lib.text import fold
from thidua.orgs.models import Gender, Organization, OrganizationKind, Person
from thidua.orgs.services import load_provinces
from thidua.orgs.validators import PROVINCE_CODES, century_sex_digit

ProgressCallback = Callable[[int, int], None]

# ----- shape of the generated data (tuned so the shares match ../shared/domain/rules.md) -----
PEOPLE_PER_SMALL_COLLECTIVE = 12
SMALL_COLLECTIVES_PER_UNIT = (3, 8)
# Ratings from a persistent quality q ~ N(0,1): yearly score s = 0.8 q + 0.6 e (e ~ N(0,1), var s = 1);
# thresholds at the normal quantiles of HTXS 15% / HTT 60% / HT 20% / KHT 5%.
Q_WEIGHT, NOISE_WEIGHT = 0.8, 0.6
T_HTXS, T_HTT, T_HT = 1.0364, -0.6745, -1.6449
P_LDTT = 0.92  # rated ≥ HTT → proposed and recognised LĐTT
P_CSTDCS_HTXS = 0.62  # LĐTT and HTXS → CSTĐCS
P_CSTDCS_INITIATIVE = 0.30  # LĐTT, HTT and a grassroots initiative of the year → CSTĐCS
P_INITIATIVE = {"HTXS": 0.40, "HTT": 0.06, "HT": 0.01, "KHT": 0.0}
P_RESEARCH = 0.10
P_CSTD_TINH, P_BK_TINH, P_BK_TTG = 0.75, 0.35, 0.6
P_THEMATIC, P_ADHOC, P_GIAY_KHEN = 0.004, 0.0015, 0.01
P_DISCIPLINE = 0.01
P_REVIEW_CLOSED, P_REVIEW_OPEN, P_REVIEW_OPEN_COLLECTIVE = 0.002, 0.003, 0.01
P_LATE_JOINER = 0.12
P_DIRECT_WORKER, P_OTHER_LEADER = 0.60, 0.15
FLUSH_ROWS = 100_000  # buffered rows before a write
FLUSH_CHECK_EVERY = 5_000  # people between two looks at the buffer
# Provinces where most people are not Kinh (northern mountains, Central Highlands).
MOUNTAIN_CODES = {"02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "20", "62", "64", "66", "67"}

DEPARTMENT_WEIGHTS = {"Sở Giáo dục và Đào tạo": 4, "Sở Y tế": 3, "Công an tỉnh": 2}
DIRECT_POSITIONS = {
    "Sở Giáo dục": ["Giáo viên"], "Sở Y tế": ["Bác sĩ", "Điều dưỡng", "Dược sĩ"], "Công an": ["Cán bộ, chiến sĩ"],
    "Bộ Chỉ huy": ["Chiến sĩ"], "Sở Nông nghiệp": ["Kiểm lâm viên", "Kỹ thuật viên"],
    "Sở Văn hóa": ["Diễn viên", "Hướng dẫn viên"], "Sở Giao thông": ["Công nhân"],
}
LEADER_POSITIONS = ["Trưởng phòng", "Phó trưởng phòng", "Tổ trưởng", "Phó Giám đốc"]
OTHER_POSITIONS = ["Chuyên viên", "Kế toán", "Văn thư", "Thanh tra viên", "Cán sự"]
INITIATIVE_VERBS = ["Giải pháp nâng cao hiệu quả", "Ứng dụng công nghệ thông tin trong", "Cải tiến quy trình",
                    "Đổi mới phương pháp", "Số hóa"]
INITIATIVE_TOPICS = ["quản lý hồ sơ", "giải quyết thủ tục hành chính", "giảng dạy", "chăm sóc người bệnh",
                     "thu ngân sách", "tuyên truyền pháp luật", "phòng cháy, chữa cháy", "quản lý bảo vệ rừng",
                     "kiểm soát chi", "tiếp công dân", "quản lý tài sản công", "bồi dưỡng học sinh giỏi",
                     "phòng, chống dịch bệnh", "bảo đảm trật tự an toàn giao thông", "lưu trữ tài liệu"]
GRASSROOTS, PROVINCIAL, NATIONAL = (InitiativeScope.GRASSROOTS.value, InitiativeScope.PROVINCIAL.value,
                                    InitiativeScope.NATIONAL.value)
RATINGS = (Rating.HTXS.value, Rating.HTT.value, Rating.HT.value, Rating.KHT.value)
DISCIPLINE_LEVELS = ([DisciplineLevel.REPRIMAND.value, DisciplineLevel.WARNING.value, DisciplineLevel.DEMOTION.value,
                      DisciplineLevel.DISMISSAL.value], [62, 30, 6, 2])
REVIEW_KINDS = ([ReviewKind.COMPLAINT.value, ReviewKind.INSPECTION.value, ReviewKind.DISCIPLINE_REVIEW.value,
                 ReviewKind.INVESTIGATION.value], [40, 30, 20, 10])
# When a decision for the year's achievements is signed: (days after 1 January of the year, spread in days).
DECISION_TIMING = {
    "ldtt": (343, 45), "ttldtt": (343, 45), "cstdcs": (370, 50), "giay_khen": (60, 270),
    "bk_tinh": (396, 100), "cstd_tinh": (396, 100), "ttldxs": (396, 100), "thematic": (60, 290),
    "adhoc": (30, 320), "bk_ttg": (455, 150),
}
SUMMARIES = {
    "ldtt": "Về việc công nhận danh hiệu Lao động tiên tiến, Tập thể lao động tiên tiến năm {y}",
    "ttldtt": "Về việc công nhận danh hiệu Tập thể lao động tiên tiến năm {y}",
    "cstdcs": "Về việc công nhận danh hiệu Chiến sĩ thi đua cơ sở năm {y}",
    "giay_khen": "Về việc tặng Giấy khen cho cá nhân có thành tích trong phong trào thi đua theo chuyên đề năm {y}",
    "bk_tinh": "Về việc tặng Bằng khen của Chủ tịch UBND {place} cho tập thể, cá nhân có thành tích năm {y}",
    "cstd_tinh": "Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm {y}",
    "ttldxs": "Về việc tặng danh hiệu Tập thể lao động xuất sắc năm {y}",
    "thematic": "Về việc tặng Bằng khen của Chủ tịch UBND {place} cho cá nhân có thành tích trong phong trào thi đua theo chuyên đề năm {y}",
    "adhoc": "Về việc tặng Bằng khen của Chủ tịch UBND {place} cho cá nhân có thành tích đột xuất năm {y}",
    "bk_ttg": "Về việc tặng Bằng khen của Thủ tướng Chính phủ",
}
AWARD_CODES = ("LDTT", "CSTDCS", "CSTD_TINH", "BK_TINH", "BK_TTG", "TTLDTT", "TTLDXS", "GIAY_KHEN")


# ---------------------------------------------------------------------------
# Progress bar (stderr), no dependency.
# ---------------------------------------------------------------------------


class ProgressBar:
    """`progress(done, total)` callback drawing `label  42% |####....| 123.456 rows  45.678 rows/s`.

    On a terminal the line is redrawn in place (at most 5 times a second); otherwise a line is
    printed every few seconds. `finish()` draws 100% and ends the line."""

    def __init__(self, stream: TextIO | None = None, label: str = "generate", width: int = 30):
        self.stream = stream or sys.stderr
        self.label, self.width = label, width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 0.2 if self.tty else 5.0
        self.start = time.perf_counter()
        self.last = 0.0
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        self.done = done
        now = time.perf_counter()
        if now - self.last >= self.interval:
            self.last = now
            self._draw(min(done / total, 0.99) if total else 0.0, now)

    def finish(self) -> None:
        self._draw(1.0, time.perf_counter())
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def _draw(self, fraction: float, now: float) -> None:
        filled = int(fraction * self.width)
        rate = self.done / max(now - self.start, 1e-9)
        line = (f"{self.label} {fraction * 100:3.0f}% |{'#' * filled}{'.' * (self.width - filled)}| "
                f"{format_number(self.done)} rows  {format_number(rate)} rows/s")
        self.stream.write(("\r" + line + "  ") if self.tty else (line + "\n"))
        self.stream.flush()


# ---------------------------------------------------------------------------
# Bulk writer: explicit ids, executemany (SQLite) or COPY (PostgreSQL).
# ---------------------------------------------------------------------------


class _Table:
    """Rows of one model as tuples (id first, then `fields` in order). Concrete fields not
    listed are filled with their model default, so a field added later does not break this."""

    def __init__(self, writer: _Writer, model, fields: Sequence[str],
                 derived: tuple[Sequence[str], Callable[[tuple], tuple]] | None = None):
        meta = model._meta
        self.writer, self.model, self.name = writer, model, meta.db_table
        # `derived`: (field names, row → their values), computed from the row when it is written (the award's
        # copies of its type's rank and its decision's year: the generator writes with triggers off).
        derived_names, self.derive = derived or ((), None)
        own = [meta.get_field(f) for f in [*fields, *derived_names]]
        rest = [f for f in meta.concrete_fields
                if not f.primary_key and f.name not in fields and f.name not in derived_names]
        self.columns = [meta.pk.column] + [f.column for f in own] + [f.column for f in rest]
        self.tail = tuple(f.get_default() for f in rest)
        self.tail_sqlite = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        self.rows: list[tuple] = []
        self.count = 0
        self.next_id = 0
        self.end = -1  # last id reserved (PostgreSQL); SQLite reserves nothing
        self.sequence: str | None = None
        self.first_id: int | None = None

    def new_id(self) -> int:
        i = self.next_id
        if i > self.end:
            i = self.writer.reserve(self)
        self.next_id = i + 1
        return i


class _Writer:
    def __init__(self, progress: ProgressCallback | None):
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"thidua generate supports SQLite and PostgreSQL, not {self.vendor}")
        self.tables: list[_Table] = []
        self.progress = progress
        self.total_estimate = 1
        self.written = 0
        now = timezone.now()
        # auto_now_add is not applied by raw inserts: one timestamp for the run, in each backend's format.
        self.now_value = str(now.astimezone(UTC).replace(tzinfo=None)) if self.vendor == "sqlite" else now.isoformat()

    def table(self, model, fields: Sequence[str], derived=None) -> _Table:
        t = _Table(self, model, fields, derived)
        self.tables.append(t)
        if self.vendor == "sqlite":
            with connection.cursor() as c:
                c.execute(f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) + 1 FROM "{t.name}"')
                t.next_id = c.fetchone()[0]
            t.end = 1 << 62
            t.first_id = t.next_id
        return t

    def reserve(self, t: _Table, chunk: int = 200_000) -> int:
        """PostgreSQL: take a block of ids from the table's sequence (nextval, then setval past the block)."""
        with connection.cursor() as c:
            if t.sequence is None:
                c.execute("SELECT pg_get_serial_sequence(%s, %s)", [t.name, t.model._meta.pk.column])
                t.sequence = c.fetchone()[0]
            c.execute("SELECT nextval(%s)", [t.sequence])
            start = c.fetchone()[0]
            c.execute("SELECT setval(%s, %s)", [t.sequence, start + chunk - 1])
        if t.first_id is None:
            t.first_id = start
        t.end = start + chunk - 1
        return start

    def release(self) -> None:
        """PostgreSQL: give back the unused end of the last block if nobody took ids after it."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as c:
            for t in self.tables:
                if t.sequence and t.next_id <= t.end:
                    c.execute(f"SELECT last_value FROM {t.sequence}")
                    if c.fetchone()[0] == t.end:
                        c.execute("SELECT setval(%s, %s)", [t.sequence, t.next_id - 1])

    def skip_row_triggers(self, locked: dict[type, Iterable[int]]) -> None:
        """PostgreSQL: skip the per-row foreign-key triggers while loading (as pg_restore
        --disable-triggers does) when the role may: every foreign key of the new rows is then
        checked by one set-based anti-join per column in `check_foreign_keys`, and the few existing
        rows referenced (provinces, award types) are locked FOR KEY SHARE as the triggers would.
        Without the privilege, nothing changes: the triggers check each row at commit.
        SQLite: the loaded tables' triggers are dropped for the load and created again after it, in the same
        transaction (SQLite's schema changes are transactional). With any row trigger on a table, each inserted
        row cost ~0,15 ms instead of ~6 µs inside the long transaction of the reference scenario (21 s of its
        35 s). Their work is done set-based after the load: the sort keys are written with the rows, and
        `generate` rebuilds the award summary and marks the eligibility snapshots stale. Foreign keys are still
        checked by SQLite itself at commit."""
        if self.vendor == "sqlite":
            names = [t.name for t in self.tables]
            with connection.cursor() as c:
                marks = ", ".join(["%s"] * len(names))
                c.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})", names)
                self.sqlite_triggers = c.fetchall()
                for name, _sql in self.sqlite_triggers:
                    c.execute(f'DROP TRIGGER "{name}"')
            self.triggers_skipped = True
            return
        if self.vendor != "postgresql":
            return
        with connection.cursor() as c:
            for model, ids in locked.items():
                ids = sorted(set(ids))
                if ids:
                    c.execute(f'SELECT 1 FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" = ANY(%s) '
                              "FOR KEY SHARE", [ids])
            try:
                with transaction.atomic():
                    c.execute("SET LOCAL session_replication_role = replica")
                self.triggers_skipped = True
            except Exception:  # not a superuser / no SET privilege on the parameter
                self.triggers_skipped = False

    def check_foreign_keys(self) -> None:
        """After a load without row triggers: one anti-join per foreign key over the new rows,
        then restore the normal role. Raises (so the transaction rolls back) on any dangling key."""
        if not getattr(self, "triggers_skipped", False):
            return
        if self.vendor == "sqlite":
            with connection.cursor() as c:
                for _name, sql in self.sqlite_triggers:
                    c.execute(sql)
            self.triggers_skipped = False
            return
        with connection.cursor() as c:
            for t in self.tables:
                if t.first_id is None or not t.count:
                    continue
                pk = t.model._meta.pk.column
                for f in t.model._meta.concrete_fields:
                    if not f.is_relation or f.column not in t.columns:
                        continue
                    ref = f.related_model._meta
                    target = f.target_field.column
                    c.execute(
                        f'SELECT count(*) FROM "{t.name}" c WHERE c."{pk}" >= %s AND c."{f.column}" IS NOT NULL '
                        f'AND NOT EXISTS (SELECT 1 FROM "{ref.db_table}" r WHERE r."{target}" = c."{f.column}")',
                        [t.first_id])
                    dangling = c.fetchone()[0]
                    if dangling:
                        raise RuntimeError(f"{t.name}.{f.column}: {dangling} dangling foreign keys")
            c.execute("SET LOCAL session_replication_role = origin")
        self.triggers_skipped = False

    def pending(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    def flush(self, tables: Iterable[_Table] | None = None) -> None:
        for t in tables or self.tables:
            if not t.rows:
                continue
            rows = t.rows
            if t.derive is not None:
                derive = t.derive
                rows = [r + derive(r) for r in rows]
            if self.vendor == "sqlite":
                if t.tail:
                    rows = [r + t.tail_sqlite for r in rows]
                cols = ", ".join(f'"{c}"' for c in t.columns)
                marks = ", ".join("?" * len(t.columns))
                connection.connection.executemany(f'INSERT INTO "{t.name}" ({cols}) VALUES ({marks})', rows)
            else:
                cols = ", ".join(f'"{c}"' for c in t.columns)
                tail = t.tail
                with connection.connection.cursor() as cur, cur.copy(f'COPY "{t.name}" ({cols}) FROM STDIN') as cp:
                    write = cp.write_row
                    if tail:
                        for r in rows:
                            write(r + tail)
                    else:
                        for r in rows:
                            write(r)
            t.count += len(rows)
            self.written += len(rows)
            t.rows.clear()  # in place: the generator holds references to these lists
            if self.progress:
                self.progress(self.written, max(self.total_estimate, self.written + 1))


# ---------------------------------------------------------------------------
# The generator.
# ---------------------------------------------------------------------------


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer total by weights (largest remainder), so the parts add up exactly."""
    wsum = sum(weights)
    raw = [total * w / wsum for w in weights]
    parts = [int(v) for v in raw]
    for k in sorted(range(len(raw)), key=lambda k: (parts[k] - raw[k], k))[: total - sum(parts)]:
        parts[k] += 1
    return parts


def _place(prov: Organization) -> str:
    short = prov.short_name or f"Tỉnh {prov.name}"
    return short[0].lower() + short[1:]  # "tỉnh Cao Bằng", "thành phố Hà Nội"


def _symbol(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w[0].isupper())[:8] or "ĐV"


_FOLD: dict[str, str] = {}


def _fold(text: str) -> str:
    f = _FOLD.get(text)
    if f is None:
        if len(_FOLD) > 500_000:
            _FOLD.clear()
        f = _FOLD[text] = fold(text)
    return f


class _Generator:
    def __init__(self, provinces: list[Organization], catalogue: dict[str, AwardType], government: Organization,
                 people: int, years: int, seed: int, last_year: int, progress: ProgressCallback | None):
        self.rng = random.Random(seed)
        self.provinces, self.government = provinces, government
        self.type_id = {code: catalogue[code].pk for code in AWARD_CODES}
        self.type_rank = {t.pk: t.rank for t in catalogue.values()}
        self.decision_year: dict[int, int] = {}  # decision id → year signed (the award rows' copy)
        self.n_people, self.years = people, list(range(last_year - years + 1, last_year + 1))
        self.first_year, self.last_year = self.years[0], last_year
        w = self.w = _Writer(progress)
        self.T_org = w.table(Organization, ["kind", "admin_code", "name", "name_en", "name_folded", "short_name",
                                             "parent", "province", "path", "valid_from", "valid_to", "successor",
                                             "is_small_collective"])
        self.T_person = w.table(Person, ["full_name", "name_folded", "citizen_id", "gender", "birth_year",
                                         "ethnicity", "organization", "position", "is_direct_worker"])
        self.T_decision = w.table(Decision, ["number", "signed_on", "authority", "signer_name", "signer_title",
                                             "summary", "is_illustrative"])
        self.T_award = w.table(Award, ["decision", "award_type", "year", "basis", "recipient_class",
                                       "recipient_person", "recipient_org", "recipient_household", "recipient_name",
                                       "recipient_name_folded", "unit", "province", "submitted_by", "register_no",
                                       "created_at"],
                                derived=(["award_type_rank", "decision_year"],
                                         lambda r: (self.type_rank[r[2]], self.decision_year[r[1]])))
        self.T_eval = w.table(Evaluation, ["person", "organization", "year", "rating", "created_at"])
        self.T_member = w.table(Membership, ["person", "organization", "year"])
        self.T_discipline = w.table(Discipline, ["person", "level", "starts_on", "ends_on", "decision"])
        self.T_review = w.table(Review, ["person", "organization", "kind", "opened_on", "closed_on", "note"])
        self.T_init = w.table(Initiative, ["kind", "code", "title", "person", "organization", "scope", "year",
                                           "recognised_by", "used_for"])
        # Decisions: one per (authority, purpose, year[, submitting department]), created on first use.
        self.decisions: dict[tuple, int] = {}
        self.dec_number: dict[int, int] = {}
        self.dec_used: dict[int, set[str]] = {}
        self.auth_info: dict[int, tuple[str, str, str]] = {}  # id → (symbol, signer title, place)
        self._preload_decision_numbers()

    # ----- decisions -----
    def _preload_decision_numbers(self) -> None:
        ids = [p.pk for p in self.provinces] + [self.government.pk]
        for auth, number in Decision.objects.filter(authority_id__in=ids).values_list("authority_id", "number"):
            self.dec_used.setdefault(auth, set()).add(number)
        for p in self.provinces:
            self.auth_info[p.pk] = ("UBND", f"Chủ tịch UBND {_place(p)}", _place(p))
        self.auth_info[self.government.pk] = ("TTg", "Thủ tướng Chính phủ", "")

    def decision(self, authority: int, purpose: str, year: int, extra: int = 0) -> int:
        key = (authority, purpose, year, extra)
        d = self.decisions.get(key)
        if d is not None:
            return d
        rng = self.rng
        symbol, signer, place = self.auth_info[authority]
        used = self.dec_used.setdefault(authority, set())
        n = self.dec_number.get(authority)
        if n is None:
            n = rng.randint(0, 40)
        while True:
            n += rng.randint(1, 60 if symbol in ("UBND", "TTg") else 12)
            number = f"{n}/QĐ-{symbol}"
            if number not in used:
                break
        used.add(number)
        self.dec_number[authority] = n
        offset, spread = DECISION_TIMING[purpose]
        signed = (date(year, 1, 1) + timedelta(days=offset + rng.randrange(spread))).isoformat()
        d = self.T_decision.new_id()
        self.decision_year[d] = int(signed[:4])
        self.T_decision.rows.append((d, number, signed, authority, "", signer,
                                     SUMMARIES[purpose].format(y=year, place=place), True))
        self.decisions[key] = d
        return d

    # ----- units and people -----
    def build(self) -> None:
        shares = _apportion(self.n_people, [1] * len(self.provinces))
        # Collectives (units and small collectives), indexed; people, indexed.
        self.c_id, self.c_name, self.c_auth, self.c_dept, self.c_prov, self.c_small, self.c_q = [], [], [], [], [], [], []
        self.p_id, self.p_name, self.p_folded, self.p_sc, self.p_unit, self.p_class = [], [], [], [], [], []
        self.p_q, self.p_first, self.p_last, self.p_disc, self.p_cid = [], [], [], [], []
        for prov_index, (prov, n) in enumerate(zip(self.provinces, shares, strict=True)):
            if n:
                self._province(prov_index, prov, n)
        self._check_citizen_ids()
        T = self.T_person
        for i in range(len(self.p_id)):
            T.rows[i] = T.rows[i][:3] + (self.p_cid[i],) + T.rows[i][4:]

    def _province(self, prov_index: int, prov: Organization, n_people: int) -> None:
        rng, T = self.rng, self.T_org
        place = _place(prov)
        n_small = max(1, round(n_people / PEOPLE_PER_SMALL_COLLECTIVE))
        n_units = max(1, round(n_small / (sum(SMALL_COLLECTIVES_PER_UNIT) / 2)))
        weights = [DEPARTMENT_WEIGHTS.get(d, 1) for d, _ in names.DEPARTMENTS]
        per_dept = _apportion(n_units, weights)
        units = []  # (collective index, dept id, n small collectives)
        # Departments and units the province already has (the reference scenario's) are reused by name,
        # so a province never shows two "Sở Nội vụ" side by side.
        existing = {(o.parent_id, o.name): o.pk for o in Organization.objects.filter(
            path__startswith=prov.path, kind__in=[OrganizationKind.DEPARTMENT, OrganizationKind.UNIT],
        ).only("pk", "parent_id", "name")}
        # A collective an earlier run already populated (ratings) is not reused: a second population gets its own.
        populated = set(Evaluation.objects.filter(organization_id__in=list(existing.values()))
                        .values_list("organization_id", flat=True).distinct())
        existing = {key: pk for key, pk in existing.items() if pk not in populated}
        # Their decisions already hold numbers: new ones must not repeat them (unique per authority).
        for auth, number in Decision.objects.filter(authority_id__in=list(existing.values())).values_list(
                "authority_id", "number"):
            self.dec_used.setdefault(auth, set()).add(number)

        def org_id(kind: OrganizationKind, name: str, parent: int, path: str, small: bool = False) -> int:
            if (parent, name) in existing:
                return existing[(parent, name)]
            oid = T.new_id()
            T.rows.append((oid, kind.value, "", name, "", _fold(name), "", parent, prov.pk, f"{path}{oid}/",
                           None, None, None, small))
            return oid

        for (dname, subs), k in zip(names.DEPARTMENTS, per_dept, strict=True):
            if not k:
                continue
            full = f"{dname[:-5]} {place}" if dname.endswith(" tỉnh") else f"{dname} {place}"
            dept = org_id(OrganizationKind.DEPARTMENT, full, prov.pk, prov.path)
            self.auth_info[dept] = (_symbol(dname), "Giám đốc" if dname.startswith("Sở") else "Thủ trưởng đơn vị", place)
            for j in range(k):
                sub = subs[j % len(subs)]
                uname = f"{sub}{f' - Cơ sở {j // len(subs) + 1}' if j >= len(subs) else ''} {prov.name}"
                uid = org_id(OrganizationKind.UNIT, uname, dept, f"{prov.path}{dept}/")
                self.auth_info[uid] = (_symbol(sub), "Thủ trưởng đơn vị", place)
                units.append((self._collective(uid, uname, dept, dept, prov_index, False), uid, dept, dname))
        # Small collectives per unit, then people per small collective.
        per_unit = _apportion(n_small, [rng.uniform(0.6, 1.4) for _ in units])
        smalls = []  # (collective index, unit collective index, dept name)
        for (ci, uid, dept, dname), k in zip(units, per_unit, strict=True):
            k = max(1, k)
            pool = names.SMALL_COLLECTIVES
            extra = [f"Tổ công tác số {m}" for m in range(1, k - len(pool) + 1)]
            for sname in rng.sample(pool, min(k, len(pool))) + extra:
                full = f"{sname}, {self.c_name[ci]}"
                sid = org_id(OrganizationKind.UNIT, full, uid, f"{prov.path}{dept}/{uid}/", small=True)
                smalls.append((self._collective(sid, full, uid, dept, prov_index, True), ci, dname))
        sizes = _apportion(n_people, [rng.uniform(0.5, 1.5) for _ in smalls])
        mountain = prov.admin_code in MOUNTAIN_CODES
        own_code = int(prov.admin_code) if prov.admin_code.isdigit() and int(prov.admin_code) in PROVINCE_CODES else 1
        for (sci, uci, dname), size in zip(smalls, sizes, strict=True):
            direct_positions = next((v for k, v in DIRECT_POSITIONS.items() if dname.startswith(k)), ["Nhân viên"])
            for _ in range(size):
                self._person(prov_index, sci, uci, direct_positions, mountain, own_code)

    def _collective(self, oid: int, name: str, authority: int, dept: int, prov_index: int, small: bool) -> int:
        self.c_id.append(oid)
        self.c_name.append(name)
        self.c_auth.append(authority)
        self.c_dept.append(dept)
        self.c_prov.append(prov_index)
        self.c_small.append(small)
        self.c_q.append(self.rng.gauss(0, 1))
        return len(self.c_id) - 1

    def _person(self, prov_index, sci, uci, direct_positions, mountain, own_code) -> None:
        rng = self.rng
        female = rng.random() < 0.5
        gender = Gender.FEMALE.value if female else Gender.MALE.value
        full = " ".join((rng.choice(names.FAMILY), rng.choice(names.MIDDLE_F if female else names.MIDDLE_M),
                         rng.choice(names.GIVEN_F if female else names.GIVEN_M)))
        first = self.first_year if rng.random() >= P_LATE_JOINER or len(self.years) == 1 else rng.choice(self.years[1:])
        birth_year = rng.randint(min(self.last_year - 60, first - 23), first - 23)
        code = own_code if rng.random() < 0.8 else rng.choice(_PROVINCE_CODE_LIST)
        cid = f"{code:03d}{century_sex_digit(birth_year, gender)}{birth_year % 100:02d}{rng.randrange(1_000_000):06d}"
        ethnicity = ("Kinh" if rng.random() < (0.4 if mountain else 0.9) else rng.choice(names.ETHNICITIES[1:]))
        r = rng.random()
        if r < P_DIRECT_WORKER:
            rclass, position = RecipientClass.DIRECT_WORKER.value, rng.choice(direct_positions)
        elif r < P_DIRECT_WORKER + P_OTHER_LEADER:
            rclass, position = RecipientClass.OTHER_LEADER.value, rng.choice(LEADER_POSITIONS)
        else:
            rclass, position = RecipientClass.INDIVIDUAL_OTHER.value, rng.choice(OTHER_POSITIONS)
        q = rng.gauss(0, 1)
        pid = self.T_person.new_id()
        folded = _fold(full)
        sc_id = self.c_id[sci]
        self.T_person.rows.append((pid, full, folded, None, gender, birth_year, ethnicity, sc_id, position,
                                   rclass == RecipientClass.DIRECT_WORKER.value))
        self.p_id.append(pid)
        self.p_name.append(full)
        self.p_folded.append(folded)
        self.p_sc.append(sci)
        self.p_unit.append(uci)
        self.p_class.append(rclass)
        self.p_q.append(q)
        self.p_first.append(first)
        self.p_last.append(self.last_year)
        self.p_disc.append(P_DISCIPLINE * (2.2 if q < -1 else 1.0 if q < 0.5 else 0.4))
        self.p_cid.append(cid)

    def _check_citizen_ids(self) -> None:
        """Citizen IDs are unique: redraw the random part on a clash within the run or with the database."""
        rng, cids = self.rng, self.p_cid
        taken: set[str] = set()
        pending = list(range(len(cids)))
        while pending:
            clash, fresh = [], []
            for i in pending:
                (clash if cids[i] in taken else fresh).append(i)
                taken.add(cids[i])
            values = [cids[i] for i in fresh]
            existing: set[str] = set()
            for k in range(0, len(values), 900):
                existing.update(Person.objects.filter(citizen_id__in=values[k:k + 900])
                                .values_list("citizen_id", flat=True))
            clash += [i for i in fresh if cids[i] in existing]
            for i in clash:
                cids[i] = cids[i][:6] + f"{rng.randrange(1_000_000):06d}"
            pending = sorted(clash)

    # ----- the years -----
    def run(self) -> dict[str, int]:
        self.w.skip_row_triggers({Organization: [p.pk for p in self.provinces] + [self.government.pk],
                                  AwardType: self.type_id.values()})
        self.build()
        n_p, n_c, n_y = len(self.p_id), len(self.c_id), len(self.years)
        self.w.total_estimate = len(self.T_org.rows) + n_p + int(n_p * n_y * 3.9) + int(n_c * n_y * 1.7)
        self.w.flush()
        for y in self.years:
            self._year(y)
        rows = [tuple(r) for r in self.initiatives]
        self.T_init.rows = rows
        self.w.flush()
        self.w.check_foreign_keys()
        self.w.release()
        return {t.name: t.count for t in self.w.tables}

    def _year(self, y: int) -> None:
        """One year: one pass over the people (discipline, reviews, rating, initiatives, awards), then the collectives."""
        rng = self.rng
        random_, gauss = rng.random, rng.gauss
        k = y - self.first_year
        last = y == self.last_year
        if k == 0:
            n = len(self.p_id)
            self.s_htt_run = [0] * n
            self.s_cstdcs = [0] * n  # bit mask of CSTĐCS years
            self.s_blocked_to = [0] * n  # awards blocked through this year (discipline in force)
            self.s_bk_tinh = [0] * n
            self.s_bk_ttg = [0] * n
            self.s_cstd_tinh = [0] * n
            self.unused: dict[int, list[list]] = {}
            self.initiatives: list[list] = []
            self.c_ttldxs = [0] * len(self.c_id)
            self.c_bk = [0] * len(self.c_id)
        n_c = len(self.c_id)
        c_members, c_ldtt, c_cstdcs, c_incomplete, c_warning = [0] * n_c, [0] * n_c, [0] * n_c, [0] * n_c, [0] * n_c
        now = self.w.now_value
        T_award, T_eval, T_member = self.T_award, self.T_eval, self.T_member
        award_rows, eval_rows, member_rows = T_award.rows, T_eval.rows, T_member.rows
        new_award, new_eval, new_member = T_award.new_id, T_eval.new_id, T_member.new_id
        tid = self.type_id
        t_ldtt, t_cstdcs, t_cstd_tinh, t_bk_tinh, t_bk_ttg = (tid["LDTT"], tid["CSTDCS"], tid["CSTD_TINH"],
                                                           tid["BK_TINH"], tid["BK_TTG"])
        decision = self.decision
        merit = Basis.MERIT.value
        provinces = [p.pk for p in self.provinces]
        p_id, p_name, p_folded, p_sc, p_unit, p_class = (self.p_id, self.p_name, self.p_folded, self.p_sc,
                                                         self.p_unit, self.p_class)
        p_q, p_first, p_last, p_disc = self.p_q, self.p_first, self.p_last, self.p_disc
        c_id, c_auth, c_dept, c_prov = self.c_id, self.c_auth, self.c_dept, self.c_prov
        htt_run, cstdcs, blocked_to = self.s_htt_run, self.s_cstdcs, self.s_blocked_to
        bk_tinh, bk_ttg, cstd_tinh = self.s_bk_tinh, self.s_bk_ttg, self.s_cstd_tinh
        unused = self.unused
        bit, prev2 = 1 << k, (1 << k) | (1 << (k - 1)) if k >= 1 else -1
        prev3 = prev2 | (1 << (k - 2)) if k >= 2 else -1
        last5 = ((1 << 5) - 1) << (k - 4) if k >= 4 else 0
        jan1 = date(y, 1, 1).toordinal()
        flush_every = FLUSH_CHECK_EVERY
        for i in range(len(p_id)):
            if i % flush_every == 0 and i and self.w.pending() > FLUSH_ROWS:
                self.w.flush((self.T_decision, T_award, T_eval, T_member, self.T_discipline, self.T_review))
            if y < p_first[i] or y > p_last[i]:
                continue
            pid, sci, uci = p_id[i], p_sc[i], p_unit[i]
            blocked = blocked_to[i] >= y
            # discipline and reviews first: they cap the rating and block awards
            level = None
            if random_() < p_disc[i]:
                level = rng.choices(*DISCIPLINE_LEVELS)[0]
                start = jan1 + rng.randrange(330)
                ends = start + 365
                self.T_discipline.rows.append((self.T_discipline.new_id(), pid, level,
                                               date.fromordinal(start).isoformat(), date.fromordinal(ends).isoformat(),
                                               f"{rng.randint(1, 999)}/QĐ-KL"))
                blocked = True
                blocked_to[i] = date.fromordinal(ends).year
                if level == DisciplineLevel.DISMISSAL.value:
                    p_last[i] = y
                if level != DisciplineLevel.REPRIMAND.value:
                    c_warning[sci] += 1
                    c_warning[uci] += 1
            if random_() < P_REVIEW_CLOSED:
                opened = jan1 + rng.randrange(300)
                self.T_review.rows.append((self.T_review.new_id(), pid, None, rng.choices(*REVIEW_KINDS)[0],
                                           date.fromordinal(opened).isoformat(),
                                           date.fromordinal(opened + 30 + rng.randrange(150)).isoformat(), ""))
            if last and random_() < P_REVIEW_OPEN:
                opened = jan1 + 240 + rng.randrange(120)
                self.T_review.rows.append((self.T_review.new_id(), pid, None, rng.choices(*REVIEW_KINDS)[0],
                                           date.fromordinal(opened).isoformat(), None, "Đang giải quyết"))
                blocked = True
            # the rating: persistent quality plus noise
            s = Q_WEIGHT * p_q[i] + NOISE_WEIGHT * gauss(0, 1)
            r = 0 if s > T_HTXS else 1 if s > T_HTT else 2 if s > T_HT else 3
            if level is not None and r < 2:
                r = 2
            rating = RATINGS[r]
            eval_rows.append((new_eval(), pid, None, y, rating, now))
            sc_id, unit_id = c_id[sci], c_id[uci]
            member_rows.append((new_member(), pid, sc_id, y))
            member_rows.append((new_member(), pid, unit_id, y))
            c_members[sci] += 1
            c_members[uci] += 1
            if r == 3:
                c_incomplete[sci] += 1
                c_incomplete[uci] += 1
            if r <= 1 and level is None:
                htt_run[i] += 1
            else:
                htt_run[i] = 0
            # initiatives and research projects recognised this year
            if random_() < P_INITIATIVE[rating]:
                self._initiative(i, y)
            if blocked:
                continue
            name, folded, rclass = p_name[i], p_folded[i], p_class[i]
            prov_id = provinces[c_prov[sci]]
            unit_auth = c_auth[sci]  # the unit heads' decisions for people of its small collectives
            if r <= 1 and random_() < P_LDTT:
                award_rows.append((new_award(), decision(unit_auth, "ldtt", y), t_ldtt, y, merit, rclass, pid, None,
                                   None, name, folded, sc_id, prov_id, None, "", now))
                c_ldtt[sci] += 1
                c_ldtt[uci] += 1
                # CSTĐCS: HTXS, or an initiative recognised at grassroots level this year
                mine = unused.get(i)
                grassroots = None
                if mine:
                    grassroots = next((x for x in mine if x[7] == y and x[6] == GRASSROOTS), None)
                won = False
                if r == 0 and random_() < P_CSTDCS_HTXS:
                    won = True
                    if grassroots is not None and random_() < 0.5:
                        won = grassroots
                elif grassroots is not None and random_() < P_CSTDCS_INITIATIVE:
                    won = grassroots
                if won:
                    aid = new_award()
                    award_rows.append((aid, decision(unit_auth, "cstdcs", y), t_cstdcs, y, merit, rclass, pid, None,
                                       None, name, folded, sc_id, prov_id, None, "", now))
                    if won is not True:
                        won[9] = aid
                        mine.remove(won)
                    cstdcs[i] |= bit
                    c_cstdcs[sci] += 1
                    c_cstdcs[uci] += 1
                    mask = cstdcs[i]
                    dept = c_dept[uci]
                    # CSTĐ tỉnh: 3 consecutive CSTĐCS and an initiative with provincial (or wider) effect
                    if k >= 2 and mask & prev3 == prev3 and cstd_tinh[i] < y - 2 and mine:
                        wide = next((x for x in mine if x[6] != GRASSROOTS and x[7] >= y - 2), None)
                        if wide is not None and random_() < P_CSTD_TINH:
                            aid = new_award()
                            award_rows.append((aid, decision(prov_id, "cstd_tinh", y, dept), t_cstd_tinh, y, merit,
                                               rclass, pid, None, None, name, folded, sc_id, prov_id, dept, "", now))
                            wide[9] = aid
                            mine.remove(wide)
                            cstd_tinh[i] = y
                    # Bằng khen tỉnh: 2 consecutive CSTĐCS
                    if k >= 1 and mask & prev2 == prev2 and bk_tinh[i] < y - 1 and random_() < P_BK_TINH:
                        award_rows.append((new_award(), decision(prov_id, "bk_tinh", y, dept), t_bk_tinh, y, merit,
                                           rclass, pid, None, None, name, folded, sc_id, prov_id, dept, "", now))
                        bk_tinh[i] = y
                    # Bằng khen Thủ tướng: holds BK tỉnh, then 5 years ≥ HTT with 3 CSTĐCS
                    elif (k >= 4 and bk_tinh[i] and bk_tinh[i] <= y - 5 and htt_run[i] >= 5 and bk_ttg[i] <= y - 5
                          and (mask & last5).bit_count() >= 3 and random_() < P_BK_TTG):
                        award_rows.append((new_award(), decision(self.government.pk, "bk_ttg", y), t_bk_ttg, y, merit,
                                           rclass, pid, None, None, name, folded, sc_id, prov_id, prov_id, "", now))
                        bk_ttg[i] = y
            # thematic and ad-hoc commendations (they do not count toward merit awards)
            if r <= 2:
                x = random_()
                if x < P_THEMATIC:
                    award_rows.append((new_award(), decision(prov_id, "thematic", y), t_bk_tinh, y,
                                       Basis.THEMATIC.value, rclass, pid, None, None, name, folded, sc_id, prov_id,
                                       c_dept[uci], "", now))
                elif x < P_THEMATIC + P_ADHOC:
                    award_rows.append((new_award(), decision(prov_id, "adhoc", y), t_bk_tinh, y, Basis.ADHOC.value,
                                       rclass, pid, None, None, name, folded, sc_id, prov_id, c_dept[uci], "", now))
                elif x < P_THEMATIC + P_ADHOC + P_GIAY_KHEN:
                    award_rows.append((new_award(), decision(unit_auth, "giay_khen", y), tid["GIAY_KHEN"], y,
                                       Basis.THEMATIC.value, rclass, pid, None, None, name, folded, sc_id, prov_id,
                                       None, "", now))
        self._collectives(y, c_members, c_ldtt, c_cstdcs, c_incomplete, c_warning)
        if self.w.pending() > FLUSH_ROWS or last:
            self.w.flush((self.T_decision, T_award, T_eval, T_member, self.T_discipline, self.T_review))

    def _initiative(self, i: int, y: int) -> None:
        rng = self.rng
        q = self.p_q[i]
        x = rng.random()
        good = max(q, 0.0)
        scope = (NATIONAL if x < 0.02 + 0.01 * good else
                 PROVINCIAL if x < min(0.40, 0.15 + 0.12 * good) else GRASSROOTS)
        research = rng.random() < P_RESEARCH
        topic = rng.choice(INITIATIVE_TOPICS)
        if research:
            title = f"Nghiên cứu {topic} trên địa bàn {_place(self.provinces[self.c_prov[self.p_sc[i]]])}"
        else:
            title = f"{rng.choice(INITIATIVE_VERBS)} {topic}"
        number = len(self.initiatives) + 1
        code = f"{'ĐT' if research else 'SK'}-{y}-{number:06d}"
        recogniser = {GRASSROOTS: "Hội đồng sáng kiến cơ sở", PROVINCIAL: "Hội đồng sáng kiến cấp tỉnh",
                      NATIONAL: "Bộ Khoa học và Công nghệ"}[scope]
        row = [self.T_init.new_id(), InitiativeKind.RESEARCH.value if research else InitiativeKind.INITIATIVE.value,
               code, title, self.p_id[i], None, scope, y, f"{recogniser}, {rng.randint(1, 300)}/QĐ ({y})", None]
        self.initiatives.append(row)
        self.unused.setdefault(i, []).append(row)

    def _collectives(self, y, members, ldtt, cstdcs, incomplete, warning) -> None:
        rng, now = self.rng, self.w.now_value
        k = y - self.first_year
        last = y == self.last_year
        tid = self.type_id
        merit = Basis.MERIT.value
        for c in range(len(self.c_id)):
            m = members[c]
            if not m:
                continue
            oid, name = self.c_id[c], self.c_name[c]
            prov_id = self.provinces[self.c_prov[c]].pk
            share = ldtt[c] / m
            good = share >= 0.7 and not warning[c]
            if good:
                excellent = not incomplete[c] and cstdcs[c] and rng.random() < 0.35 + 0.15 * max(self.c_q[c], 0)
                r = Rating.HTXS.value if excellent else Rating.HTT.value
            elif share >= 0.5:
                r = Rating.HTT.value if rng.random() < 0.3 else Rating.HT.value
            else:
                r = Rating.HT.value if rng.random() < 0.9 else Rating.KHT.value
            self.T_eval.rows.append((self.T_eval.new_id(), None, oid, y, r, now))
            if last and rng.random() < P_REVIEW_OPEN_COLLECTIVE:
                opened = date(y, 9, 1) + timedelta(days=rng.randrange(120))
                self.T_review.rows.append((self.T_review.new_id(), None, oid, ReviewKind.INSPECTION.value,
                                           opened.isoformat(), None, "Đang thanh tra"))
                continue
            rclass = RecipientClass.SMALL_COLLECTIVE.value if self.c_small[c] else RecipientClass.COLLECTIVE.value
            fname = _fold(name)
            if good and rng.random() < P_LDTT:
                purpose = "ldtt" if self.c_small[c] else "ttldtt"
                self.T_award.rows.append((self.T_award.new_id(), self.decision(self.c_auth[c], purpose, y),
                                          tid["TTLDTT"], y, merit, rclass, None, oid, None, name, fname, oid, prov_id,
                                          None, "", now))
                if r == Rating.HTXS.value and rng.random() < 0.7:
                    dept = self.c_dept[c]
                    self.T_award.rows.append((self.T_award.new_id(), self.decision(prov_id, "ttldxs", y, dept),
                                              tid["TTLDXS"], y, merit, rclass, None, oid, None, name, fname, oid,
                                              prov_id, dept, "", now))
                    # Bằng khen tỉnh (collective): TTLĐXS two years running
                    if k >= 1 and self.c_ttldxs[c] == y - 1 and self.c_bk[c] < y - 1 and rng.random() < 0.3:
                        self.T_award.rows.append((self.T_award.new_id(), self.decision(prov_id, "bk_tinh", y, dept),
                                                  tid["BK_TINH"], y, merit, rclass, None, oid, None, name, fname, oid,
                                                  prov_id, dept, "", now))
                        self.c_bk[c] = y
                    self.c_ttldxs[c] = y


_PROVINCE_CODE_LIST = sorted(PROVINCE_CODES)


def _provinces(codes: Sequence[str]) -> list[Organization]:
    def find() -> dict[str, Organization]:
        qs = Organization.objects.filter(kind=OrganizationKind.PROVINCE, admin_code__in=codes, valid_from__isnull=True)
        return {p.admin_code: p for p in qs}

    found = find()
    if len(found) < len(set(codes)):
        load_provinces()
        found = find()
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValueError(f"Không có tỉnh (trước 2025) mã {', '.join(missing)} / no pre-2025 province with code {missing}")
    return [found[c] for c in codes]


def generate(people: int, years: int, seed: int, province_code: str | Sequence[str] = "04", last_year: int = 2024,
             progress: ProgressCallback | None = None) -> dict[str, int]:
    """Generate `people` people with `years` years of records ending at `last_year` under the
    pre-2025 province(s) `province_code` ("04", "04,01" or a list); returns rows per table.

    One transaction: either everything is written or nothing. Deterministic for a seed (in a
    database in the same state: citizen IDs and decision numbers avoid those already there).
    """
    if people < 1 or years < 1:
        raise ValueError("people and years must be at least 1")
    codes = [c.strip() for c in province_code.split(",") if c.strip()] if isinstance(province_code, str) \
        else list(province_code)
    with transaction.atomic():
        provinces = _provinces(codes)
        catalogue = {t.code: t for t in AwardType.objects.filter(code__in=AWARD_CODES)}
        if len(catalogue) < len(AWARD_CODES):
            catalogue = load_catalogue()
        government = (Organization.objects.filter(kind=OrganizationKind.STATE, name="Thủ tướng Chính phủ").order_by("pk").first()
                      or Organization.objects.create(kind=OrganizationKind.STATE, name="Thủ tướng Chính phủ", short_name="TTg"))
        gen = _Generator(provinces, catalogue, government, people, years, seed, last_year, progress)
        counts = gen.run()
        # The load may have run with triggers off (session_replication_role = replica): recount the award summary
        # of the provinces loaded, in the same transaction.
        summary.rebuild([p.pk for p in provinces])
        snapshots.mark_stale([p.pk for p in provinces])
        return counts


# ---------------------------------------------------------------------------
# A digest of a province's records (natural keys, id order): equal digests, equal data.
# ---------------------------------------------------------------------------


def dataset_digest(province_code: str = "04") -> str:
    """SHA-256 over the people, records and awards of a pre-2025 province, by natural keys
    (names, citizen IDs, codes, years) in id order, so it does not depend on the id values."""
    prov = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code=province_code, valid_from__isnull=True)
    h = hashlib.sha256()
    in_prov = Q(person__organization__province=prov) | Q(organization__province=prov)
    queries = [
        Organization.objects.filter(province=prov).exclude(pk=prov.pk).values_list("kind", "name", "parent__name",
                                                                                   "is_small_collective"),
        Person.objects.filter(organization__province=prov).values_list(
            "full_name", "citizen_id", "gender", "birth_year", "ethnicity", "organization__name", "position",
            "is_direct_worker"),
        Award.objects.filter(province=prov).values_list(
            "award_type__code", "year", "basis", "recipient_class", "recipient_person__citizen_id", "recipient_name",
            "unit__name", "submitted_by__name", "decision__number", "decision__signed_on", "decision__authority__name"),
        Evaluation.objects.filter(in_prov).values_list("person__citizen_id", "organization__name", "year", "rating"),
        Membership.objects.filter(person__organization__province=prov).values_list("person__citizen_id",
                                                                                   "organization__name", "year"),
        Initiative.objects.filter(in_prov).values_list("kind", "code", "title", "person__citizen_id", "scope", "year",
                                                       "recognised_by", "used_for__award_type__code", "used_for__year"),
        Discipline.objects.filter(person__organization__province=prov).values_list(
            "person__citizen_id", "level", "starts_on", "ends_on", "decision"),
        Review.objects.filter(in_prov).values_list("person__citizen_id", "organization__name", "kind", "opened_on",
                                                   "closed_on"),
    ]
    for qs in queries:
        h.update(qs.model._meta.db_table.encode())
        for row in qs.order_by("pk").iterator(chunk_size=20_000):
            h.update(repr(row).encode())
    return h.hexdigest()
