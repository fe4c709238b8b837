"""Condition kinds: each reads a Subject's history for a year and says met or not, why, and
what is missing, in Vietnamese and English. Rule sets (data) combine these kinds with
parameters; adding a rule needs no code, adding a new *kind* of condition does."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from fractions import Fraction

from thidua.eligibility.history import (
    DISCIPLINE_LABEL_VI,
    DISCIPLINE_ORDER,
    LED_LEVELS,
    POSTS,
    RATING_LABEL_VI,
    RATING_ORDER,
    SCOPE_LABEL_VI,
    SCOPE_ORDER,
    InitiativeFact,
    Subject,
)
from thidua.eligibility.labels import award_en, award_vi, rating_en


class Outcome:
    """Met or not, with evidence; the Vietnamese/English explanation is built only when read
    (a national run evaluates millions of conditions and shows a few)."""

    __slots__ = ("met", "_text", "evidence", "_cache")

    def __init__(self, met: bool, text: Callable[[], tuple[str, str]], evidence: list[str] | None = None):
        self.met = met
        self._text = text
        self.evidence = evidence or []
        self._cache = None

    def _texts(self) -> tuple[str, str]:
        if self._cache is None:
            self._cache = self._text()
        return self._cache

    @property
    def vi(self) -> str:
        return self._texts()[0]

    @property
    def en(self) -> str:
        return self._texts()[1]


@dataclass
class Context:
    award: str
    year: int


def _years(ys) -> str:
    return ", ".join(str(y) for y in ys) if ys else "không năm nào"


def _has(ys) -> str:
    """ "có 2022, 2023" or "chưa có năm nào" (never "có chưa có năm nào")."""
    return "có " + ", ".join(str(y) for y in ys) if ys else "chưa có năm nào"


def _had(ys) -> str:
    return "đã có " + ", ".join(str(y) for y in ys) if ys else "chưa có lần nào"


def _years_en(ys) -> str:
    return ", ".join(str(y) for y in ys) if ys else "none"


def _window(year: int, n: int) -> list[int]:
    return list(range(year - n + 1, year + 1))


def _run_window(s: Subject, end: int, n: int, ok: Callable[[int], bool]) -> tuple[list[int], list[int]]:
    """The `n` years of a run ending with `end`, oldest first, and the maternity years passed over.

    A year on maternity leave counts as working time (ND 98/2023, ND 152/2025 art. 4): when it has no
    rating or title of its own it neither breaks the run nor counts as one of its years. The year
    considered (`end`) is never passed over: its own achievement is what is judged; nor is a year under
    discipline (achievements count from the discipline's end)."""
    window, bridged, y = [], [], end
    while len(window) < n:
        rec = s.year(y)
        if y != end and not ok(y) and rec.maternity and rec.discipline is None:
            bridged.append(y)
        else:
            window.append(y)
        y -= 1
    window.reverse()
    bridged.reverse()
    return window, bridged


def _maternity_note(bridged: list[int]) -> tuple[str, str]:
    if not bridged:
        return "", ""
    return (f" Năm nghỉ thai sản (tính là thời gian công tác, không làm gián đoạn): {_years(bridged)}.",
            f" Maternity leave years (count as working time, do not break the run): {_years_en(bridged)}.")


def _rated(subject: Subject, y: int, minimum: str) -> bool:
    rec = subject.year(y)
    return (
        rec.rating is not None
        and RATING_ORDER[rec.rating] >= RATING_ORDER[minimum]
        and (rec.discipline is None)
    )


def _usable(i: InitiativeFact, ctx: Context) -> bool:
    """One initiative serves one award: unused, or used by this very award."""
    return i.used_for is None or i.used_for == f"{ctx.award}:{ctx.year}"


def no_open_review(s: Subject, ctx: Context, p: dict) -> Outcome:
    if s.year(ctx.year).under_review:
        return Outcome(
            False,
            lambda: (
                f"Đang bị xem xét kỷ luật, thanh tra, điều tra hoặc giải quyết khiếu nại, tố cáo trong năm {ctx.year}.",
                f"Under discipline review, inspection, investigation or complaint in {ctx.year}.",
            ),
        )
    return Outcome(
        True,
        lambda: (
            "Không đang bị xem xét kỷ luật, thanh tra, điều tra, khiếu nại.",
            "No open discipline review, inspection, investigation or complaint.",
        ),
    )


def no_discipline(s: Subject, ctx: Context, p: dict) -> Outcome:
    level = s.year(ctx.year).discipline
    minimum = p.get("min_level", "reprimand")
    if level is not None and DISCIPLINE_ORDER[level] >= DISCIPLINE_ORDER[minimum]:
        return Outcome(
            False,
            lambda: (
                f"Đang chịu kỷ luật ({DISCIPLINE_LABEL_VI[level]}) trong năm {ctx.year}.",
                f"Under discipline ({level}) in {ctx.year}.",
            ),
            [f"kỷ luật {DISCIPLINE_LABEL_VI[level]} {ctx.year}"],
        )
    return Outcome(True, lambda: (f"Không bị kỷ luật trong năm {ctx.year}.", f"No discipline in {ctx.year}."))


def rating_run(s: Subject, ctx: Context, p: dict) -> Outcome:
    """Rated at least `min` in each of the `years` years ending with the year considered;
    a year with discipline or without a rating breaks the run."""
    n, minimum = (int(p.get("years", 1)), p.get("min", "HTT"))
    window, bridged = _run_window(s, ctx.year, n, lambda y: _rated(s, y, minimum))
    note, note_en = _maternity_note(bridged)
    have = [y for y in window if _rated(s, y, minimum)]
    missing = [y for y in window if y not in have]
    label = RATING_LABEL_VI[minimum]
    if n == 1:
        rating = s.year(ctx.year).rating
        got = RATING_LABEL_VI.get(rating, "chưa có xếp loại") if rating else "chưa có xếp loại"
        if not missing:
            return Outcome(
                True,
                lambda: (
                    f"Năm {ctx.year} xếp loại {got} (yêu cầu từ {label} trở lên).",
                    f"{ctx.year} rated {rating_en(rating)} (at least {rating_en(minimum)} required).",
                ),
                [f"{rating} {ctx.year}"],
            )
        if rating and s.year(ctx.year).discipline:
            return Outcome(
                False,
                lambda: (
                    f"Năm {ctx.year} xếp loại {got} nhưng có kỷ luật: năm có kỷ luật không được tính.",
                    f"{ctx.year} rated {rating} but under discipline: the year does not count.",
                ),
            )
        if not rating:
            return Outcome(
                False,
                lambda: (
                    f"Năm {ctx.year} chưa có xếp loại; yêu cầu từ {label} trở lên.",
                    f"No rating for {ctx.year}; at least {rating_en(minimum)} required.",
                ),
            )
        return Outcome(
            False,
            lambda: (
                f"Năm {ctx.year} xếp loại {got}; yêu cầu từ {label} trở lên.",
                f"{ctx.year} rated {rating_en(rating) if rating else 'none'}; at least {rating_en(minimum)} required.",
            ),
        )
    if not missing:
        return Outcome(
            True,
            lambda: (
                f"{n} năm liên tục xếp loại từ {label} trở lên: {_years(have)}.{note}",
                f"{n} consecutive years rated {rating_en(minimum)} or better: {_years_en(have)}.{note_en}",
            ),
            [f"{s.year(y).rating} {y}" for y in have],
        )
    return Outcome(
        False,
        lambda: (
            f"Cần {n} năm liên tục xếp loại từ {label} trở lên: {_has(have)}; thiếu {_years(missing)}.{note}",
            f"Needs {n} consecutive years rated {rating_en(minimum)} or better: has {_years_en(have)}; "
            f"missing {_years_en(missing)}.{note_en}",
        ),
    )


def title_run(s: Subject, ctx: Context, p: dict) -> Outcome:
    """The title `award` in each of the `years` years ending with the year considered
    (offset shifts the window back, e.g. the years before the proposal)."""
    code, n = (p["award"], int(p.get("years", 1)))
    end = ctx.year - int(p.get("offset", 0))

    def holds(y):
        return code in s.year(y).awards and s.year(y).discipline is None

    window, bridged = _run_window(s, end, n, holds) if n > 0 else (_window(end, n), [])
    note, note_en = _maternity_note(bridged)
    have = [y for y in window if holds(y)]
    missing = [y for y in window if y not in have]
    evidence = [s.year(y).awards[code] for y in have]
    if not missing:
        what = f"năm {end}" if n == 1 else f"{n} năm liên tục ({_years(have)})"
        return Outcome(
            True, lambda: (f"Đạt danh hiệu {award_vi(code)} {what}.{note}", f"Holds {award_en(code)} in {_years_en(have)}.{note_en}"),
            evidence
        )
    if n == 1:
        return Outcome(
            False, lambda: (f"Chưa có danh hiệu {award_vi(code)} năm {window[0]}.", f"No {award_en(code)} for {window[0]}.")
        )
    return Outcome(
        False,
        lambda: (
            f"Cần {n} năm liên tục {award_vi(code)}: {_has(have)}; thiếu {_years(missing)}.{note}",
            f"Needs {award_en(code)} in {n} consecutive years: has {_years_en(have)}; missing {_years_en(missing)}.{note_en}",
        ),
        evidence,
    )


def initiatives(s: Subject, ctx: Context, p: dict) -> Outcome:
    """At least `count` unused initiatives (or research projects) of scope ≥ `min_scope`
    recognised in the `window` years ending with the year considered."""
    count, scope, n = (int(p.get("count", 1)), p.get("min_scope", "grassroots"), int(p.get("window", 1)))
    kinds = set(p.get("kinds", ["initiative", "research"]))
    window = _window(ctx.year, n)
    found, used = ([], [])
    for y in window:
        for i in s.year(y).initiatives:
            if i.kind in kinds and SCOPE_ORDER[i.scope] >= SCOPE_ORDER[scope]:
                (found if _usable(i, ctx) else used).append((y, i))
    where = f"năm {ctx.year}" if n == 1 else f"các năm {window[0]}–{window[-1]}"
    evidence = [
        f"{('đề tài' if i.kind == 'research' else 'sáng kiến')} {i.id} ({SCOPE_LABEL_VI[i.scope]}, {y})"
        for y, i in found
    ]
    note = ""
    if used:
        note = " Không tính: " + ", ".join((f"{i.id} (đã dùng cho {i.used_for})" for _, i in used)) + "."
    if len(found) >= count:
        return Outcome(
            True,
            lambda: (
                f"Có {len(found)} sáng kiến/đề tài {SCOPE_LABEL_VI[scope]} trở lên {where}: {', '.join(e for e in evidence)}.{note}",
                f"{len(found)} initiative(s)/research of {scope} scope or wider in {window[0]}–{window[-1]}.",
            ),
            evidence,
        )
    return Outcome(
        False,
        lambda: (
            f"Cần {count} sáng kiến/đề tài {SCOPE_LABEL_VI[scope]} trở lên {where} chưa dùng cho khen thưởng khác: có {len(found)}; thiếu {count - len(found)}.{note}",
            f"Needs {count} unused initiative(s)/research of {scope} scope or wider in {window[0]}–{window[-1]}: has {len(found)}.",
        ),
        evidence,
    )


def holds_then_run(s: Subject, ctx: Context, p: dict) -> Outcome:
    """Already holds `award`, then at least `years` consecutive years (ending with the year
    considered, all after that award) rated ≥ `min_rating`, with `titles` counts inside the run
    and at least `min_htxs` excellent years."""
    code, n, minimum = (p["award"], int(p.get("years", 5)), p.get("min_rating", "HTT"))
    held = [y for y in s.award_years(code) if y < ctx.year]
    if not held and code not in s.holds:
        return Outcome(
            False, lambda: (f"Chưa có {award_vi(code)} (điều kiện trước).", f"Does not hold {award_en(code)} yet (prerequisite).")
        )
    since = held[-1] if held else None
    run, bridged, y = ([], [], ctx.year)
    while since is None or y > since:
        if _rated(s, y, minimum):
            run.append(y)
        elif y != ctx.year and s.year(y).maternity and s.year(y).discipline is None:
            bridged.append(y)
        else:
            break
        y -= 1
    run.reverse()
    bridged.reverse()
    note, note_en = _maternity_note(bridged)
    evidence = [s.year(since).awards[code]] if since else [s.holds[code]]
    problems, problems_en = ([], [])
    if len(run) < n:
        problems.append(
            f"cần {n} năm liên tục từ {RATING_LABEL_VI[minimum]} trở lên sau {award_vi(code)}{(f' năm {since}' if since else '')}, có {len(run)} ({_years(run)})"
        )
        problems_en.append(f"needs {n} consecutive years rated {rating_en(minimum)} or better after {award_en(code)}, has {len(run)}")
    for title, need in (p.get("titles") or {}).items():
        got = [y for y in run if title in s.year(y).awards]
        evidence += [s.year(y).awards[title] for y in got]
        if len(got) < int(need):
            problems.append(f"cần {need} lần {award_vi(title)} trong thời gian đó, có {len(got)} ({_years(got)})")
            problems_en.append(f"needs {need} × {award_en(title)} in that run, has {len(got)}")
    htxs = [y for y in run if s.year(y).rating == "HTXS"]
    if len(htxs) < int(p.get("min_htxs", 0)):
        problems.append(f"cần ít nhất {p['min_htxs']} năm hoàn thành xuất sắc, có {len(htxs)}")
        problems_en.append(f"needs {p['min_htxs']} year(s) rated excellent, has {len(htxs)}")
    head = f"Đã có {award_vi(code)}{(f' năm {since}' if since else '')}"
    if problems:
        return Outcome(
            False,
            lambda: (
                f"{head}; " + "; ".join(problems) + "." + note,
                f"Holds {award_en(code)}; " + "; ".join(problems_en) + "." + note_en,
            ),
            evidence,
        )
    return Outcome(
        True,
        lambda: (
            f"{head}; {len(run)} năm liên tục từ {RATING_LABEL_VI[minimum]} trở lên ({_years(run)}).{note}",
            f"Holds {award_en(code)}; {len(run)} consecutive years rated {rating_en(minimum)} or better ({_years_en(run)}).{note_en}",
        ),
        evidence,
    )


def title_repeat(s: Subject, ctx: Context, p: dict) -> Outcome:
    """`award` twice in a row: the later within `latest_within` years before the year considered,
    the earlier at most `interval` years before it."""
    code, interval, latest_within = (p["award"], int(p.get("interval", 3)), int(p.get("latest_within", 1)))
    years = s.award_years(code)
    recent = [y for y in years if ctx.year - latest_within <= y <= ctx.year]
    for y2 in reversed(recent):
        earlier = [y for y in years if y2 - interval <= y < y2]
        if earlier:
            pair = [earlier[-1], y2]
            return Outcome(
                True,
                lambda pair=pair: (
                    f"Hai lần liên tục {award_vi(code)}: {_years(pair)}.",
                    f"{award_en(code)} twice in a row: {_years_en(pair)}.",
                ),
                [s.year(y).awards[code] for y in pair],
            )
    return Outcome(
        False,
        lambda: (
            f"Cần hai lần liên tục {award_vi(code)}, lần sau trong {latest_within} năm gần nhất: {_had(years)}.",
            f"Needs {award_en(code)} twice in a row, the later within {latest_within} year(s): has {_years_en(years)}.",
        ),
    )


def members_share(s: Subject, ctx: Context, p: dict) -> Outcome:
    """A collective's members in the year: `metric` ∈ ldtt, complete, cstdcs, disciplined, with
    `min_share` (0–1), `min_count` or `max_count`."""
    m = s.year(ctx.year).members
    metric = p["metric"]
    label = {
        "ldtt": "đạt Lao động tiên tiến",
        "complete": "hoàn thành nhiệm vụ trở lên",
        "cstdcs": "đạt CSTĐCS",
        "disciplined": "bị kỷ luật từ cảnh cáo trở lên",
    }[metric]
    if m is None or m.count == 0:
        return Outcome(
            False,
            lambda: (f"Chưa có danh sách thành viên năm {ctx.year}.", f"No member list for {ctx.year}."),
        )
    value = getattr(m, metric)
    share = value / m.count
    text = f"{value}/{m.count} thành viên {label} ({share * 100:.1f}%)".replace(".", ",")
    text_en = f"{value}/{m.count} members {metric} ({share * 100:.1f}%)"
    ok = True
    if "more_than_share" in p:
        # "trên 50%": strictly more (exactly half is not enough), compared without rounding.
        ok = ok and value - float(p["more_than_share"]) * m.count > 1e-09
        need = f"yêu cầu trên {float(p['more_than_share']) * 100:g}%".replace(".", ",")
    if "min_share" in p:
        ok = ok and share + 1e-09 >= float(p["min_share"])
        need = f"yêu cầu từ {float(p['min_share']) * 100:.0f}%"
    if "min_count" in p:
        ok = ok and value >= int(p["min_count"])
        need = f"yêu cầu ít nhất {p['min_count']}"
    if "max_count" in p:
        ok = ok and value <= int(p["max_count"])
        need = "yêu cầu không có" if int(p["max_count"]) == 0 else f"tối đa {p['max_count']}"
    return Outcome(ok, lambda: (f"{text}; {need}.", text_en + "."))


def any_of(s: Subject, ctx: Context, p: dict) -> Outcome:
    outcomes = [evaluate_spec(o, s, ctx) for o in p["options"]]
    met = [o for o in outcomes if o.met]
    if met:
        return Outcome(True, lambda: (met[0].vi, met[0].en), met[0].evidence)
    return Outcome(
        False,
        lambda: (
            "Chưa đạt phương án nào: " + " HOẶC ".join(f"({o.vi})" for o in outcomes),
            "No option met: " + " OR ".join(f"({o.en})" for o in outcomes),
        ),
        [e for o in outcomes for e in o.evidence],
    )


def all_of(s: Subject, ctx: Context, p: dict) -> Outcome:
    outcomes = [evaluate_spec(o, s, ctx) for o in p["conditions"]]
    return Outcome(
        all(o.met for o in outcomes),
        lambda: (" ".join(o.vi for o in outcomes), " ".join(o.en for o in outcomes)),
        [e for o in outcomes for e in o.evidence],
    )


def not_awarded_within(s: Subject, ctx: Context, p: dict) -> Outcome:
    """One achievement, one award: the award was not already given for years of the same
    window (e.g. BK_TINH in 2023 used the 2022–2023 run; 2024 needs a new run)."""
    code, n = p.get("award", ctx.award), int(p.get("years", 1))
    window = _window(ctx.year, n)
    given = [y for y in window if code in s.year(y).awards]
    if given:
        return Outcome(
            False,
            lambda: (
                f"Đã được tặng {award_vi(code)} năm {_years(given)}, dùng thành tích của giai đoạn "
                f"{window[0]}–{window[-1]}; cần thành tích mới.",
                f"{award_en(code)} already given for {_years_en(given)} within {window[0]}–{window[-1]}.",
            ),
            [s.year(y).awards[code] for y in given],
        )
    return Outcome(
        True,
        lambda: (
            f"Chưa được tặng {award_vi(code)} cho giai đoạn {window[0]}–{window[-1]}.",
            f"No {award_en(code)} yet for {window[0]}–{window[-1]}.",
        ),
    )


def title_count(s: Subject, ctx: Context, p: dict) -> Outcome:
    """`award` at least `count` times in the `years` years ending with the year considered (not
    necessarily consecutive)."""
    code, n, count = p["award"], int(p.get("years", 1)), int(p.get("count", 1))
    window = _window(ctx.year, n)
    got = [y for y in window if code in s.year(y).awards]
    evidence = [s.year(y).awards[code] for y in got]
    if len(got) >= count:
        return Outcome(True, lambda: (f"Có {len(got)} lần {award_vi(code)} trong {window[0]}–{window[-1]}: {_years(got)}.",
                                      f"{award_en(code)} {len(got)} time(s) in {window[0]}–{window[-1]}."), evidence)
    return Outcome(False, lambda: (f"Cần {count} lần {award_vi(code)} trong {window[0]}–{window[-1]}: có {len(got)}.",
                                   f"Needs {award_en(code)} {count} time(s) in {window[0]}–{window[-1]}: has {len(got)}."),
                   evidence)


def led_cluster(s: Subject, ctx: Context, p: dict) -> Outcome:
    """The collective led its emulation cluster or block in the year (from the cluster year's results);
    `levels`: which clusters count ("internal": set up by a ministry or province; "central": by the
    Central Council)."""
    levels = p.get("levels", list(LED_LEVELS))
    led = s.year(ctx.year).led
    wanted = " hoặc ".join(LED_LEVELS[lv] for lv in levels)
    if led in levels:
        return Outcome(True, lambda: (f"Dẫn đầu {LED_LEVELS[led]} năm {ctx.year}.", f"Led its cluster ({led}) in {ctx.year}."),
                       [f"dẫn đầu cụm, khối {ctx.year}"])
    if led:
        return Outcome(False, lambda: (f"Năm {ctx.year} dẫn đầu {LED_LEVELS[led]}; cần dẫn đầu {wanted}.",
                                       f"Led a {led} cluster in {ctx.year}; needs {', '.join(levels)}."))
    return Outcome(False, lambda: (f"Năm {ctx.year} không dẫn đầu {wanted} (theo kết quả năm của cụm, khối).",
                                   f"Did not lead a cluster ({', '.join(levels)}) in {ctx.year}."))


def _tenure_needs(s: Subject, p: dict) -> list[tuple[str, float, float]]:
    """(post, years required, years counted) highest post first: time in a higher post counts toward a lower
    post's requirement (a shorter tenure tops up with the next lower post); women need `female_factor` of it."""
    factor = Fraction(str(p.get("female_factor", 1))) if s.gender == "female" else Fraction(1)  # "2/3": exact
    out, counted = [], 0.0
    for post, required in p["posts"]:
        counted += s.posts.get(post, 0.0)
        out.append((post, float(Fraction(str(required)) * factor), counted))
    return out


def tenure(s: Subject, ctx: Context, p: dict) -> Outcome:
    """Career path: years held in leadership posts (`posts`: [[post, years required], …], highest first)."""
    needs = _tenure_needs(s, p)
    held = ", ".join(f"{POSTS[k]}: {v:g} năm" for k, v in s.posts.items()) or "chưa có dữ liệu chức vụ"
    for post, required, counted in needs:
        if counted + 1e-09 >= required:
            return Outcome(True, lambda post=post, required=required, counted=counted: (
                f"Giữ chức vụ từ {POSTS[post]} trở lên {counted:g} năm (yêu cầu {required:g} năm).",
                f"{counted:g} years in posts from {post} up ({required:g} required)."), [held])
    wanted = "; ".join(f"{POSTS[k]}: {r:g} năm" for k, r, _c in needs)
    return Outcome(False, lambda: (f"Chưa đủ thời gian giữ chức vụ ({held}); yêu cầu một trong: {wanted}.",
                                   f"Not enough years in leadership posts; needs one of: {wanted}."))


KINDS: dict[str, Callable[[Subject, Context, dict], Outcome]] = {
    "no_open_review": no_open_review,
    "no_discipline": no_discipline,
    "rating_run": rating_run,
    "title_run": title_run,
    "initiatives": initiatives,
    "holds_then_run": holds_then_run,
    "title_repeat": title_repeat,
    "members_share": members_share,
    "not_awarded_within": not_awarded_within,
    "title_count": title_count,
    "led_cluster": led_cluster,
    "tenure": tenure,
    "any_of": any_of,
    "all_of": all_of,
}


def evaluate_spec(spec: dict, s: Subject, ctx: Context) -> Outcome:
    return KINDS[spec["kind"]](s, ctx, spec.get("params", {}))


# ---------------------------------------------------------------------------
# The fast path: each kind also compiles to a "met only" function (subject, year, award) → bool,
# with its parameters read once per rule. It decides exactly what the kind above decides
# (tests/eligibility/test_fast.py checks it on random histories) but builds no Outcome, evidence
# or text: a national run evaluates millions of conditions and reads the explanations of a few,
# which are built from the functions above when read (engine.Result.checks).
# ---------------------------------------------------------------------------

# (subject, year considered, award considered, the codes of every award in the subject's years)
MetFn = Callable[[Subject, int, str, Collection[str]], bool]


def held_codes(s: Subject) -> Collection[str]:
    """Every award code found in any year of the subject's record: computed once per subject (or
    given by the loader, `Subject.award_codes`), it lets the conditions about rare awards (BK_TINH,
    CSTĐ tỉnh…) answer without walking the years."""
    if s.award_codes is not None:
        return s.award_codes
    held = set()
    for rec in s.years.values():
        if rec.awards:
            held.update(rec.awards)
    return held


def _met_no_open_review(p: dict) -> MetFn:
    def met(s, year, award, held):
        rec = s.years.get(year)
        return rec is None or not rec.under_review
    return met


def _met_no_discipline(p: dict) -> MetFn:
    minimum = DISCIPLINE_ORDER[p.get("min_level", "reprimand")]

    def met(s, year, award, held):
        rec = s.years.get(year)
        level = None if rec is None else rec.discipline
        return level is None or DISCIPLINE_ORDER[level] < minimum
    return met


def _met_rating_run(p: dict) -> MetFn:
    n, minimum = int(p.get("years", 1)), RATING_ORDER[p.get("min", "HTT")]
    if n == 1:  # the common case (LĐTT, CSTĐCS): one record, no loop
        def met1(s, year, award, held):
            rec = s.years.get(year)
            return rec is not None and rec.rating is not None and RATING_ORDER[rec.rating] >= minimum \
                and rec.discipline is None
        return met1

    def met(s, year, award, held):
        get, y, need = s.years.get, year, n
        while need > 0:
            rec = get(y)
            if rec is None or rec.rating is None or RATING_ORDER[rec.rating] < minimum or rec.discipline is not None:
                if y != year and rec is not None and rec.maternity and rec.discipline is None:  # see _run_window
                    y -= 1
                    continue
                return False
            need -= 1
            y -= 1
        return True
    return met


def _met_title_run(p: dict) -> MetFn:
    code, n, offset = p["award"], int(p.get("years", 1)), int(p.get("offset", 0))
    if n == 1:
        def met1(s, year, award, held):
            if code not in held:
                return False
            rec = s.years.get(year - offset)
            return rec is not None and code in rec.awards and rec.discipline is None
        return met1

    def met(s, year, award, held):
        if code not in held:
            return n <= 0
        get = s.years.get
        end = year - offset
        y, need = end, n
        while need > 0:
            rec = get(y)
            if rec is None or code not in rec.awards or rec.discipline is not None:
                if y != end and rec is not None and rec.maternity and rec.discipline is None:  # see _run_window
                    y -= 1
                    continue
                return False
            need -= 1
            y -= 1
        return True
    return met


def _met_initiatives(p: dict) -> MetFn:
    count, n = int(p.get("count", 1)), int(p.get("window", 1))
    scope = SCOPE_ORDER[p.get("min_scope", "grassroots")]
    kinds = set(p.get("kinds", ["initiative", "research"]))

    def met(s, year, award, held):
        get, found, tag = s.years.get, 0, None
        if n == 1:  # the common case: most records have no initiative
            rec = get(year)
            if rec is None or not rec.initiatives:
                return count <= 0
        for y in range(year - n + 1, year + 1):
            rec = get(y)
            if rec is None or not rec.initiatives:
                continue
            for i in rec.initiatives:
                if i.kind in kinds and SCOPE_ORDER[i.scope] >= scope:
                    if i.used_for is not None:
                        if tag is None:
                            tag = f"{award}:{year}"
                        if i.used_for != tag:
                            continue
                    found += 1
        return found >= count
    return met


def _met_holds_then_run(p: dict) -> MetFn:
    code, n, minimum = p["award"], int(p.get("years", 5)), RATING_ORDER[p.get("min_rating", "HTT")]
    titles = [(title, int(need)) for title, need in (p.get("titles") or {}).items()]
    min_htxs = int(p.get("min_htxs", 0))

    def met(s, year, award, held):
        years = s.years
        since = None
        if code in held:
            for y, rec in years.items():
                if y < year and code in rec.awards and (since is None or y > since):
                    since = y
        if since is None and code not in s.holds:
            return False
        run, y = [], year
        while since is None or y > since:
            rec = years.get(y)
            if rec is None or rec.rating is None or RATING_ORDER[rec.rating] < minimum or rec.discipline is not None:
                if y != year and rec is not None and rec.maternity and rec.discipline is None:  # see _run_window
                    y -= 1
                    continue
                break
            run.append(rec)
            y -= 1
        if len(run) < n:
            return False
        for title, need in titles:
            if sum(1 for rec in run if title in rec.awards) < need:
                return False
        return min_htxs <= 0 or sum(1 for rec in run if rec.rating == "HTXS") >= min_htxs
    return met


def _met_title_repeat(p: dict) -> MetFn:
    code, interval, latest_within = p["award"], int(p.get("interval", 3)), int(p.get("latest_within", 1))

    def met(s, year, award, held):
        if code not in held:
            return False
        years = [y for y, rec in s.years.items() if code in rec.awards]
        for y2 in years:
            if year - latest_within <= y2 <= year and any(y2 - interval <= y < y2 for y in years):
                return True
        return False
    return met


def _met_members_share(p: dict) -> MetFn:
    metric = p["metric"]
    if metric not in ("ldtt", "complete", "cstdcs", "disciplined"):
        raise KeyError(metric)
    min_share = float(p["min_share"]) if "min_share" in p else None
    more_than = float(p["more_than_share"]) if "more_than_share" in p else None
    min_count = int(p["min_count"]) if "min_count" in p else None
    max_count = int(p["max_count"]) if "max_count" in p else None

    def met(s, year, award, held):
        rec = s.years.get(year)
        m = None if rec is None else rec.members
        if m is None or m.count == 0:
            return False
        value = getattr(m, metric)
        if more_than is not None and not value - more_than * m.count > 1e-09:
            return False
        if min_share is not None and not value / m.count + 1e-09 >= min_share:
            return False
        if min_count is not None and not value >= min_count:
            return False
        return max_count is None or value <= max_count
    return met


def _met_not_awarded_within(p: dict) -> MetFn:
    fixed, n = "award" in p, int(p.get("years", 1))
    code = p.get("award")

    def met(s, year, award, held):
        c = code if fixed else award
        if c not in held:
            return True
        get = s.years.get
        for y in range(year - n + 1, year + 1):
            rec = get(y)
            if rec is not None and c in rec.awards:
                return False
        return True
    return met


def _met_title_count(p: dict) -> MetFn:
    code, n, count = p["award"], int(p.get("years", 1)), int(p.get("count", 1))

    def met(s, year, award, held):
        if code not in held:
            return count <= 0
        get, got = s.years.get, 0
        for y in range(year - n + 1, year + 1):
            rec = get(y)
            if rec is not None and code in rec.awards:
                got += 1
        return got >= count
    return met


def _met_led_cluster(p: dict) -> MetFn:
    levels = frozenset(p.get("levels", list(LED_LEVELS)))

    def met(s, year, award, held):
        rec = s.years.get(year)
        return rec is not None and rec.led in levels
    return met


def _met_tenure(p: dict) -> MetFn:
    def met(s, year, award, held):
        return any(counted + 1e-09 >= required for _post, required, counted in _tenure_needs(s, p))
    return met


def _met_any_of(p: dict) -> MetFn:
    options = [compile_met(o)[0] for o in p["options"]]
    if len(options) == 2:
        first, second = options

        def met2(s, year, award, held):
            return first(s, year, award, held) or second(s, year, award, held)
        return met2

    def met(s, year, award, held):
        for fn in options:
            if fn(s, year, award, held):
                return True
        return False
    return met


def _met_all_of(p: dict) -> MetFn:
    conditions = [compile_met(o)[0] for o in p["conditions"]]
    if len(conditions) == 2:
        first, second = conditions

        def met2(s, year, award, held):
            return first(s, year, award, held) and second(s, year, award, held)
        return met2

    def met(s, year, award, held):
        for fn in conditions:
            if not fn(s, year, award, held):
                return False
        return True
    return met


MET: dict[str, Callable[[dict], MetFn]] = {
    "no_open_review": _met_no_open_review,
    "no_discipline": _met_no_discipline,
    "rating_run": _met_rating_run,
    "title_run": _met_title_run,
    "initiatives": _met_initiatives,
    "holds_then_run": _met_holds_then_run,
    "title_repeat": _met_title_repeat,
    "members_share": _met_members_share,
    "not_awarded_within": _met_not_awarded_within,
    "title_count": _met_title_count,
    "led_cluster": _met_led_cluster,
    "tenure": _met_tenure,
    "any_of": _met_any_of,
    "all_of": _met_all_of,
}
# Kinds whose answer never depends on the award being considered: computed once per subject
# when they are general conditions (shared by every award).
AWARD_FREE = {"no_open_review", "no_discipline", "rating_run", "title_run", "holds_then_run", "title_repeat",
              "members_share", "title_count", "led_cluster", "tenure"}


def _award_free(spec: dict) -> bool:
    kind, p = spec["kind"], spec.get("params", {})
    if kind in AWARD_FREE:
        return True
    if kind == "not_awarded_within":
        return "award" in p
    if kind == "any_of":
        return all(_award_free(o) for o in p["options"])
    if kind == "all_of":
        return all(_award_free(o) for o in p["conditions"])
    return False


def compile_met(spec: dict) -> tuple[MetFn, bool]:
    """The spec's "met only" function and whether it is independent of the award considered.
    A kind with no fast version (one added to KINDS elsewhere) runs its full function."""
    kind, params = spec["kind"], spec.get("params", {})
    if kind in MET and KINDS.get(kind) is globals().get(kind):
        return MET[kind](params), _award_free(spec)
    full = KINDS[kind]
    return (lambda s, year, award, held: full(s, Context(award=award, year=year), params).met), False
