"""Keyset (cursor) pagination and row counts that stay cheap on tens of millions of rows.

An OFFSET page reads and throws away every row before it (page 10 000 of the registry reads 500 000 rows), and
COUNT(*) over a national registry reads it all. Here a page starts where the previous one ended: the cursor holds
the sort values of its last (or first) row, and the next query asks for rows strictly after them, which an index on
the sort columns answers as a range from that point. The ordering always ends with the primary key, so the key is
unique: rows inserted meanwhile never make a page repeat or skip a row that was already there.

Counts are exact up to `THIDUA_EXACT_COUNT_LIMIT` rows (a bounded COUNT reads at most that many); above it,
PostgreSQL's planner estimate is shown as approximate ("khoảng …"). SQLite has no estimate: there the count is
exact (one machine, small registries).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connections, transaction
from django.db.models import BooleanField, Case, Expression, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce


class RowCompare(Expression):
    """`(a, b) > (x, y)`: a row comparison (SQL standard; SQLite ≥ 3.15, PostgreSQL), which compares column by
    column like a sort key, so that an index on (a, b) answers it as one range."""

    conditional = True

    def __init__(self, paths: Sequence[str], op: str, values: Sequence, fields: Sequence):
        super().__init__(output_field=BooleanField())
        if op not in ("<", ">"):
            raise ValueError(op)
        self.op = op
        self.lhs = [F(path) for path in paths]
        self.rhs = [Value(value, output_field=field) for value, field in zip(values, fields, strict=True)]

    def get_source_expressions(self):
        return [*self.lhs, *self.rhs]

    def set_source_expressions(self, exprs):
        n = len(self.lhs)
        self.lhs, self.rhs = list(exprs[:n]), list(exprs[n:])

    def as_sql(self, compiler, connection):
        sql, params = [], []
        for side in (self.lhs, self.rhs):
            parts = []
            for expr in side:
                part, part_params = compiler.compile(expr)
                parts.append(part)
                params.extend(part_params)
            sql.append("(" + ", ".join(parts) + ")")
        return f"{sql[0]} {self.op} {sql[1]}", params


class InvalidCursor(ValueError):
    """A cursor that this ordering did not make (edited, truncated or from another sort)."""


@dataclass(frozen=True)
class Count:
    value: int
    approximate: bool
    # The selection has more than `value` rows, and no better figure is known: the planner estimated no more than
    # the exact limit that the bounded count had already passed (it can misjudge a name search tenfold).
    more_than: bool = False

    def __int__(self) -> int:
        return self.value


def exact_count_limit() -> int:
    return int(getattr(settings, "THIDUA_EXACT_COUNT_LIMIT", 10_000))


def planner_estimate(qs: QuerySet) -> int:
    """PostgreSQL's estimate of the rows `qs` returns (EXPLAIN, no execution)."""
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(qs: QuerySet, limit: int | None = None, estimate: Callable[[], int] | None = None) -> Count:
    """Exact up to `limit` rows, PostgreSQL's estimate above it, or "more than `limit`" when that estimate is not
    above the limit the count has passed. `estimate` replaces the planner's estimate of `qs` where the caller knows
    a better one (the planner misjudges some anti-joins)."""
    limit = exact_count_limit() if limit is None else limit
    bounded = qs.order_by()[: limit + 1].count()
    if bounded <= limit:
        return Count(bounded, False)
    if connections[qs.db].vendor == "postgresql":
        guess = estimate() if estimate is not None else planner_estimate(qs)
        if guess <= limit:
            return Count(limit, True, more_than=True)
        return Count(_round(guess), True)
    return Count(qs.order_by().count(), False)


def _round(n: int) -> int:
    """An estimate shown to three significant digits: more would claim a precision it does not have."""
    step = 10 ** max(0, len(str(n)) - 3)
    return max(step, round(n / step) * step)


def _field(model, path: str):
    """The model field at the end of a lookup path ("decision__signed_on")."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class KeysetPage:
    """One page: its rows, the cursors of the pages before and after it, its number (counted from the first page
    along the cursors, for display only) and the count of the whole selection (exact or approximate)."""

    object_list: list
    number: int
    next_cursor: str | None
    previous_cursor: str | None
    count: Count
    size: int

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.object_list else 0

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count.value // self.size))


def walk_timeout_ms() -> int:
    return int(getattr(settings, "THIDUA_WALK_TIMEOUT_MS", 300))


def walk_sort_max_rows() -> int:
    return int(getattr(settings, "THIDUA_WALK_SORT_MAX_ROWS", 1_000_000))


def sparse_walk_rows() -> int:
    return int(getattr(settings, "THIDUA_SPARSE_WALK_ROWS", 20_000))


class KeysetPaginator:
    """Pages of `qs` in `ordering` (field paths, "-" for descending; the primary key is appended when missing).

    `sparse`: a condition (a name search) whose matches the planner cannot place in the sort order. Its selectivity
    it can estimate, not where the matches lie: sorted by name, "pham" matches 7 % of the registry, all of them
    after "nguyen" and everything before it, so the walk along the name index it chose read 690 000 rows of a
    million for the first page (8.5 s; a national registry: over a minute). With `sparse`, the rows of `qs` are
    read along the sort index for at most `THIDUA_SPARSE_WALK_ROWS` rows and the condition tested on those (spread
    matches fill a page long before that); when that walk ends short of a page, the matches are read through the
    condition's own index (the trigram index) and sorted, which costs what their number costs.

    `by_value`: (field, values) when the selection is exactly the rows whose `field` is one of `values` (a
    province office's registry: its cluster's provinces). Ordered by the primary key alone, a page is then the
    merge of each value's first rows, each read along an index on (field, primary key). Read in one walk along
    the primary key, the rows of the values must be found among everyone else's: a province that imported its
    history in one block of ids, followed by other provinces' blocks, read 1,3 s for its newest page nationally
    (17 ms by province).

    A name search whose other filters select few rows (at most the exact count limit: a province's year, a cluster
    year) is counted and sorted among those rows, read through their own indexes, the name tested on each: PostgreSQL
    otherwise intersects them with the trigram index's whole answer for the name, which for a common one costs more
    than the rows themselves ("nguyen van" among a province set's provincial awards of a year: 100 ms → 2 ms)."""

    def __init__(self, qs: QuerySet, ordering: Sequence[str], size: int = 50, sparse: Q | None = None,
                 by_value: tuple[str, Sequence] | None = None):
        ordering = list(ordering)
        last = ordering[-1].lstrip("-") if ordering else ""
        if last not in ("pk", "id"):
            ordering.append("-pk" if ordering and ordering[-1].startswith("-") else "pk")
        self.base, self.sparse, self.by_value = qs, sparse, by_value
        self.qs, self.size = (qs if sparse is None else qs.filter(sparse)), size
        self._small_base: bool | None = None
        self.keys = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
        self.fields = [_field(qs.model, name) for name, _desc in self.keys]

    # -- cursors -------------------------------------------------------------------------------------------------
    def encode(self, direction: str, values: Sequence, number: int) -> str:
        payload = json.dumps({direction: [_jsonable(v) for v in values], "n": number}, separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[str, list, int]:
        try:
            payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            (direction,) = {"a", "b"} & payload.keys()
            raw, number = payload[direction], int(payload.get("n", 1))
            if not isinstance(raw, list) or len(raw) != len(self.fields) or number < 1:
                raise InvalidCursor(cursor)
            values = [field.to_python(value) for field, value in zip(self.fields, raw, strict=True)]
        except (ValueError, TypeError, KeyError, binascii.Error, ValidationError, UnicodeDecodeError) as exc:
            raise InvalidCursor(cursor) from exc
        if any(v is None for v in values):
            raise InvalidCursor(cursor)
        return direction, values, number

    def _key_of(self, row) -> list:
        """The sort values of a row, read along its attributes (a relation the query did not select costs a query)."""
        values = []
        for (name, _desc), field in zip(self.keys, self.fields, strict=True):
            *relations, last = name.split("__")
            obj = row
            for relation in relations:
                obj = getattr(obj, relation)
            values.append(obj.pk if last == "pk" else getattr(obj, field.attname))
        return values

    # -- the count -----------------------------------------------------------------------------------------------
    def count(self) -> Count:
        """The selection's count (`count_rows`); a name search among few rows is counted among them."""
        return count_rows(self._among_few_rows() if self._base_is_small() else self.qs)

    def _base_is_small(self) -> bool:
        """Whether a name search's other filters select at most the exact count limit, on PostgreSQL (elsewhere no
        trigram index competes). A bounded count decides, unless the planner expects ten times more rows (the whole
        registry: the bounded count alone would cost a third of the search)."""
        if self.sparse is None or connections[self.base.db].vendor != "postgresql":
            return False
        if self._small_base is None:
            limit = exact_count_limit()
            self._small_base = (planner_estimate(self.base) <= 10 * limit
                                and self.base.order_by()[: limit + 1].count() <= limit)
        return self._small_base

    def _among_few_rows(self) -> QuerySet:
        """The selection with the name search written so that no index answers it (CASE WHEN … THEN 1 END = 1):
        PostgreSQL reads the rows through the other filters' indexes and tests the name on each."""
        hit = Case(When(self.sparse, then=Value(1)), default=Value(0))
        return self.base.alias(_sparse_only=hit).filter(_sparse_only=1)

    # -- the query -----------------------------------------------------------------------------------------------
    def _runs(self) -> list[list[int]]:
        """The key's columns grouped into runs of one direction: ("-year", "name", "id") is [[0], [1, 2]]."""
        runs: list[list[int]] = []
        for i, (_name, desc) in enumerate(self.keys):
            if runs and self.keys[runs[-1][0]][1] == desc:
                runs[-1].append(i)
            else:
                runs.append([i])
        return runs

    def _branches(self, values: list, forward: bool) -> list[tuple[list, dict]]:
        """The rows strictly after `values` in the ordering (before them when not `forward`), as consecutive
        slices of it, nearest first: each is one index range. A run of columns of one direction is compared as a
        row, `(name, id) > (n, i)`, which PostgreSQL answers from an index as a range starting exactly there; the
        OR of per-column conditions it replaces could only start at the first column's value and read (and throw
        away) every row sharing it: up to a whole year of records for the year sort. Where the direction changes
        ("-year", "name", "id") no single range exists, so the rows are: same year, (name, id) after the cursor;
        then the years after it."""
        runs, branches = self._runs(), []
        for j in range(len(runs) - 1, -1, -1):
            equal = {self.keys[i][0]: values[i] for run in runs[:j] for i in run}
            run = runs[j]
            desc = self.keys[run[0]][1]
            op = "lt" if desc == forward else "gt"
            conditions: list = []
            if len(run) == 1:
                equal[f"{self.keys[run[0]][0]}__{op}"] = values[run[0]]
            else:
                conditions.append(RowCompare([self.keys[i][0] for i in run], "<" if op == "lt" else ">",
                                             [values[i] for i in run], [self.fields[i] for i in run]))
                if j == 0:  # a bound on the leading column alone: the planner starts an index on it there
                    first = self.keys[0][0]
                    equal[f"{first}__{'lte' if op == 'lt' else 'gte'}"] = values[0]
            branches.append((conditions, equal))
        return branches

    def _ordered(self, qs: QuerySet, forward: bool, few: bool = False) -> QuerySet:
        """`few`: the rows are known to be few (an exact count under the limit). The sort keys are then wrapped in
        COALESCE(x, x), the same order but no index's: the planner reads the rows through the filters' indexes and
        sorts them, instead of walking the sort index in order and testing the filters row after row. With a rare
        filter (one year's collective provincial awards sorted by type) that walk read the whole national registry
        (35 s); the bounded count has just read those rows through the filters anyway."""
        keys = []
        for name, desc in self.keys:
            descending = desc == forward
            if few:
                key = Coalesce(F(name), F(name))
                keys.append(key.desc() if descending else key.asc())
            else:
                keys.append(("-" if descending else "") + name)
        return qs.order_by(*keys)

    def _slice(self, conditions: list, equal: dict, forward: bool, count: Count, wanted: int) -> list:
        """The first `wanted` rows of one slice of the ordering."""
        few = not count.approximate and count.value <= exact_count_limit()
        if few:
            rows = self._among_few_rows() if self._base_is_small() else self.qs
            return list(self._ordered(rows.filter(*conditions, **equal), forward, few)[:wanted])
        if self.by_value is not None and len(self.keys) == 1:
            # Each value's keys alone (no joins to plan), then the page's rows in one query. With a name search
            # too: the planner then chooses per value between its (value, key) index and the search's own.
            field, values = self.by_value
            pks = [pk for value in values for pk in self._walk(
                self.qs.filter(*conditions, **equal, **{field: value}).values_list("pk", flat=True), forward, count,
                wanted)]
            pks = sorted(pks, reverse=self.keys[0][1] == forward)[:wanted]
            by_pk = self.qs.in_bulk(pks)
            return [by_pk[pk] for pk in pks if pk in by_pk]  # a row deleted in between is left out
        if self.sparse is None:
            return self._walk(self.qs.filter(*conditions, **equal), forward, count, wanted)
        walk = self._ordered(self.base.filter(*conditions, **equal), forward).annotate(
            _sparse_hit=ExpressionWrapper(self.sparse, output_field=BooleanField())).values_list("pk", "_sparse_hit")
        # A short walk first (a common name fills the page within a few hundred rows), then the whole budget.
        for budget in sorted({min(20 * wanted, sparse_walk_rows()), sparse_walk_rows()}):
            walked = list(walk[:budget])
            hits = [pk for pk, hit in walked if hit][:wanted]
            if len(hits) == wanted or len(walked) < budget:  # the page is full, or the walk read the whole slice
                # Read by id from the selection without the condition these rows met just now: with it, PostgreSQL
                # would intersect the ids with the trigram index's whole answer (270 ms for "nguyen van").
                by_pk = self.base.in_bulk(hits)
                return [by_pk[pk] for pk in hits if pk in by_pk]
        return list(self._ordered(self.qs.filter(*conditions, **equal), forward, few=True)[:wanted])

    def _walk(self, qs: QuerySet, forward: bool, count: Count, wanted: int) -> list:
        """The first `wanted` rows of `qs` along the sort index. The planner expects the selection's rows to be spread
        over the index; when a filter goes with the sort (one year's collective grassroots awards sorted by type: the
        individual grassroots types rank first) the walk reads millions of rows (23 s on the national registry). On
        PostgreSQL the walk therefore gets `THIDUA_WALK_TIMEOUT_MS`, after which the selection is read through its
        filters and sorted, when that sort is affordable (≤ THIDUA_WALK_SORT_MAX_ROWS rows)."""
        connection = connections[qs.db]
        if connection.vendor != "postgresql" or count.value > walk_sort_max_rows():
            return list(self._ordered(qs, forward)[:wanted])
        try:
            with transaction.atomic(using=qs.db), connection.cursor() as cursor:
                # SET LOCAL lasts to the end of the whole transaction, not of this savepoint: set back after.
                cursor.execute(f"SET LOCAL statement_timeout = {int(walk_timeout_ms())}")
                rows = list(self._ordered(qs, forward)[:wanted])
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
            return rows
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != "57014":  # query_canceled: the time budget ran out
                raise
        if not self._sortable(count):
            return list(self._ordered(qs, forward)[:wanted])
        return list(self._ordered(qs, forward, few=True)[:wanted])

    def _sortable(self, count: Count) -> bool:
        """Whether the whole selection is small enough to be read and sorted. A count that is only "more than the
        exact limit" comes with a planner's guess that was already wrong (not above the limit the count had
        passed; "nguyen van" was estimated under 10 000 rows and has 67 600): the selection is then counted up to
        THIDUA_WALK_SORT_MAX_ROWS, once per page. Other counts are trusted (counting a large selection up to that
        limit took ~0,6 s nationally)."""
        if not count.more_than:
            return count.value <= walk_sort_max_rows()
        if self._bounded is None:
            self._bounded = self.qs.order_by()[: walk_sort_max_rows() + 1].count()
        return self._bounded <= walk_sort_max_rows()

    def page(self, cursor: str | None, count: Count | None = None) -> KeysetPage:
        """The page a cursor points at (the first page without one); raises InvalidCursor."""
        direction, values, number = self.decode(cursor) if cursor else ("a", None, 1)
        self._bounded = None  # the selection counted up to THIDUA_WALK_SORT_MAX_ROWS, when a walk needs it
        forward = direction == "a"
        if count is None:
            count = self.count()
        # Slice after slice of the ordering (one, the whole of it, for the first page) until the page and one row
        # more (to know there is a next page) are read.
        rows = []
        slices = self._branches(values, forward) if values is not None else [([], {})]
        # An exact count of nothing needs no page query (which may plan differently from the count: a year without
        # state awards read the year's 900 000 awards to sort none, 0.7 s on the national registry).
        for conditions, equal in slices if count.approximate or count.value else []:
            rows += self._slice(conditions, equal, forward, count, self.size + 1 - len(rows))
            if len(rows) > self.size:
                break
        more = len(rows) > self.size
        rows = rows[: self.size]
        if not forward:
            rows.reverse()
        if forward:
            has_next, has_previous = more, values is not None
        else:
            has_next, has_previous = True, more
        if not has_previous and not forward:
            number = 2  # came back to the first page
        number = max(1, number if forward else number - 1)
        next_cursor = self.encode("a", self._key_of(rows[-1]), number + 1) if has_next and rows else None
        previous_cursor = self.encode("b", self._key_of(rows[0]), number) if has_previous and rows else None
        return KeysetPage(rows, number, next_cursor, previous_cursor, count, self.size)
