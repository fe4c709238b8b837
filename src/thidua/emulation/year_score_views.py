"""Step 4 of the cluster year: scoring. The ranking and the lock (/cum/<pk>/nam/cham-diem/, khoa/), self-scoring
(tu-cham/), cross-scoring with its assignment (cham-cheo/: phan-cong/ automatic, phan-cong-tay/ by pairs, cham/ a
score form), the chair's consolidation (tong-hop/) and the history of every score row (lich-su/)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.core.models import AuditEvent
from thidua.emulation import forms as f
from thidua.emulation import services
from thidua.emulation.models import CrossAssignment, Score, ScoreRound
from thidua.emulation.scoring import TIE_BREAKS, score_sheet
from thidua.emulation.year_views import (
    Year,
    acting_member,
    all_or_nothing,
    attempt,
    choose,
    guarded,
    hand_criteria,
    load_year,
    member_param,
    render_year,
    show_error,
    someone,
)
from thidua.lib.text import fold
from thidua.orgs.models import Organization

HISTORY_PAGE = 50  # score-history rows per page


# --------------------------------------------------------------------------- ranking and lock


@login_required
@require_GET
def scores(request, pk: int):
    """Ranking with the tie-breaks, progress of the scoring, the lock."""
    year = load_year(request, pk)
    sheet = score_sheet(year.cy)
    hand = [c for c in sheet.leaves if c.is_hand_scored]
    progress = []
    for r in sheet.rows:
        self_n = sum(1 for c in hand if r.cells[c.pk].self_points is not None)
        cross_n = min((len(r.cells[c.pk].cross) for c in hand), default=0)
        progress.append({"row": r, "self_n": self_n, "cross_n": cross_n})
    return render_year(request, "emulation/year/scores.html", year, "scores", sheet=sheet, progress=progress,
                       hand=hand, min_cross=year.run.min_cross_scorers if year.run else 0, tie_breaks=TIE_BREAKS,
                       subtab="ranking", can_lock=year.roles.can_lead and year.opened and not year.locked)


@login_required
@require_POST
def lock_scores(request, pk: int):
    year = load_year(request, pk)
    if request.POST.get("confirm") != "1":
        show_error(request, _("Cần xác nhận khóa điểm."))
    else:
        attempt(request, services.lock_scores, request.user, year.cy,
                success=_("Đã khóa điểm năm %(year)s; xếp hạng đã chốt.") % {"year": year.cy.year})
    return redirect(year.url("year-scores"))


# --------------------------------------------------------------------------- self and cross scores


def _changed_scores(form, criteria, existing: dict) -> list[tuple]:
    """(criterion, points, comment, evidence) for each row that differs from the stored score."""
    d = form.cleaned_data
    changes = []
    for c in criteria:
        points, comment = d[f"points_{c.pk}"], d[f"comment_{c.pk}"].strip()
        evidence = d.get(f"evidence_{c.pk}")
        old = existing.get(c.pk)
        if points is None:
            if old is None or (comment == old.comment and evidence is None):
                continue
            points = old.points
        if old is not None and old.points == points and old.comment == comment and evidence is None:
            continue
        changes.append((c, points, comment, evidence))
    return changes


def _save_scores(request, year: Year, member: Organization, criteria, form, round_: str, existing: dict,
                 scorer: Organization | None = None) -> bool | None:
    """Save the changed rows of a self/cross score form in one transaction (all or nothing).
    Returns True when saved, False when nothing changed, None when refused."""
    changes = _changed_scores(form, criteria, existing)
    if not changes:
        messages.info(request, _("Không có thay đổi."))
        return False
    if not all_or_nothing(request, [
            partial(services.score, request.user, year.cy, member=member, criterion=c, round=round_, points=points,
                    comment=comment, evidence=evidence, scorer=scorer) for c, points, comment, evidence in changes]):
        return None
    messages.success(request, _("Đã lưu %(n)s điểm cho %(org)s.") % {"n": len(changes), "org": member.name})
    return True


def _initial(hand, existing: dict) -> dict:
    initial = {}
    for c in hand:
        if c.pk in existing:
            initial[f"points_{c.pk}"], initial[f"comment_{c.pk}"] = existing[c.pk].points, existing[c.pk].comment
    return initial


@login_required
def self_score(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    member, allowed = acting_member(year, request)
    hand = hand_criteria(cy)
    offered = member is not None and allowed and year.opened and not year.locked and hand
    if request.method == "POST" and not offered:  # not the user's member, not open, locked: the guard says which
        target = someone(year, request, member)
        if target is not None and hand:
            guarded(request, services.check_score, request.user, cy, target, ScoreRound.SELF)
        return redirect(year.url("year-self-score"))
    existing = {}
    if member is not None:
        existing = {s.criterion_id: s for s in Score.objects.filter(criterion__cluster_year=cy, member=member,
                                                                    round=ScoreRound.SELF)}
    form = None
    if offered:
        form = f.ScoreForm(request.POST or None, request.FILES or None, initial=_initial(hand, existing),
                           criteria=hand, evidence=True)
        if request.method == "POST" and form.is_valid() and _save_scores(
                request, year, member, hand, form, ScoreRound.SELF, existing) is not None:
            return redirect(year.url("year-self-score"))
    sheet = score_sheet(cy)
    row = sheet.row_for(member.pk) if member else None
    lines = []
    for c, depth in sheet.criteria:
        lines.append({"c": c, "depth": depth, "cell": row.cells.get(c.pk) if row else None, "old": existing.get(c.pk),
                      "fields": form.row(c) if form and c.is_hand_scored else None})
    matrix = [{"member": r.member, "points": [r.cells[c.pk].self_points for c in hand], "total": r.self_total}
              for r in sorted(sheet.rows, key=lambda r: fold(r.member.name))]
    return render_year(request, "emulation/year/self_score.html", year, "scores", subtab="self", sheet=sheet,
                       member=member, form=form, lines=lines, hand=hand, row=row, matrix=matrix)


class _Cross:
    """The cross-scoring state of the year for this user: the assignments, the members the user scores, the one
    chosen (`target`, with the user's scorer for it), the stored cross scores."""

    def __init__(self, year: Year, request):
        cy, roles = year.cy, year.roles
        self.hand = hand_criteria(cy)
        self.assignments = list(CrossAssignment.objects.filter(cluster_year=cy).select_related("scorer", "member"))
        self.scores = list(Score.objects.filter(criterion__cluster_year=cy, round=ScoreRound.CROSS))
        mine = [a for a in self.assignments if a.scorer_id in roles.member_ids]
        self.targets = sorted({a.member for a in mine}, key=lambda o: fold(o.name))
        self.target, self.allowed = choose(year, request, self.targets, "thanh-vien")
        self.scorer = next((a.scorer for a in mine if self.allowed and a.member_id == self.target.pk), None)
        self.existing = {}
        if self.target is not None and self.scorer is not None:
            self.existing = {s.criterion_id: s for s in self.scores
                             if s.member_id == self.target.pk and s.scorer_id == self.scorer.pk}
        self.offered = bool(self.target is not None and self.allowed and year.opened and not year.locked
                            and self.hand)

    def form(self, data=None):
        return f.ScoreForm(data, initial=_initial(self.hand, self.existing), criteria=self.hand) if self.offered \
            else None


def _cross_page(request, year: Year, cross: _Cross, form=None):
    cy = year.cy
    if form is None:
        form = cross.form()
    by_member: dict[int, list[Organization]] = {}
    for a in cross.assignments:
        by_member.setdefault(a.member_id, []).append(a.scorer)
    done = {}
    for s in cross.scores:
        done[(s.scorer_id, s.member_id)] = done.get((s.scorer_id, s.member_id), 0) + 1
    pairs = {(a.scorer_id, a.member_id) for a in cross.assignments}
    assignment_rows = [{"member": m, "scorers": [{"org": s, "done": done.get((s.pk, m.pk), 0)}
                                                 for s in sorted(by_member.get(m.pk, []), key=lambda o: fold(o.name))]}
                       for m in year.members]
    grid = [{"scorer": s, "cells": [{"member": m, "self": s.pk == m.pk, "on": (s.pk, m.pk) in pairs}
                                    for m in year.members]} for s in year.members]
    self_scores = {}
    if cross.target is not None:
        self_scores = {s.criterion_id: s for s in Score.objects.filter(criterion__cluster_year=cy, member=cross.target,
                                                                       round=ScoreRound.SELF)}
    lines = [{"c": c, "self": self_scores.get(c.pk), "old": cross.existing.get(c.pk),
              "fields": form.row(c) if form else None} for c in cross.hand]
    started = bool(cross.scores)
    return render_year(request, "emulation/year/cross_score.html", year, "scores", subtab="cross", hand=cross.hand,
                       assignment_rows=assignment_rows, grid=grid, started=started,
                       can_assign=year.roles.can_lead and year.opened and not year.locked and not started,
                       targets=cross.targets, target=cross.target, scorer=cross.scorer, form=form, lines=lines,
                       has_assignments=bool(cross.assignments),
                       min_cross=year.run.min_cross_scorers if year.run else None)


@login_required
@require_GET
def cross_score(request, pk: int):
    year = load_year(request, pk)
    return _cross_page(request, year, _Cross(year, request))


@login_required
@require_POST
def save_cross_score(request, pk: int):
    year = load_year(request, pk)
    cross = _Cross(year, request)
    if not cross.offered:  # not assigned (or locked): the guard refuses with its reason
        member = cross.target or next(iter(year.members), None)
        if member is not None and cross.hand:
            guarded(request, services.check_score, request.user, year.cy, member, ScoreRound.CROSS)
        return redirect(year.url("year-cross-score"))
    form = cross.form(request.POST)
    if form.is_valid() and _save_scores(request, year, cross.target, cross.hand, form, ScoreRound.CROSS,
                                        cross.existing, scorer=cross.scorer) is not None:
        return redirect(year.url("year-cross-score", **{"thanh-vien": cross.target.pk}))
    return _cross_page(request, year, cross, form)


@login_required
@require_POST
def assign_cross_auto(request, pk: int):
    """The chair's assignment in rotation: each member is scored by the next ones in the list."""
    year = load_year(request, pk)
    attempt(request, services.assign_cross_scoring, request.user, year.cy,
            success=_("Đã phân công chấm chéo theo vòng luân phiên."))
    return redirect(year.url("year-cross-score") + "#phan-cong")


@login_required
@require_POST
def assign_cross_pairs(request, pk: int):
    """The chair's assignment pair by pair ("scorer-member" values of the grid)."""
    year = load_year(request, pk)
    by_pk = {m.pk: m for m in year.members}
    pairs = []
    for raw in request.POST.getlist("pair"):
        try:
            s_pk, m_pk = (int(x) for x in raw.split("-"))
            pairs.append((by_pk[s_pk], by_pk[m_pk]))
        except (ValueError, KeyError):
            raise Http404 from None
    attempt(request, services.assign_cross_scoring, request.user, year.cy, pairs,
            success=_("Đã lưu phân công chấm chéo (%(n)s cặp).") % {"n": len(pairs)})
    return redirect(year.url("year-cross-score") + "#phan-cong")


# --------------------------------------------------------------------------- consolidation and history


def _final_changes(form, hand, row) -> list[tuple]:
    changes = []
    for c in hand:
        value, reason = form.cleaned_data[f"final_{c.pk}"], form.cleaned_data[f"reason_{c.pk}"].strip()
        cell = row.cells[c.pk]
        if value is None or (value == cell.final_stored and reason == cell.final_reason):
            continue
        changes.append((c, value, reason))
    return changes


def _save_finals(request, year: Year, member, form, hand, row) -> bool:
    """Save the changed final scores in one transaction: True when saved or nothing changed."""
    changes = _final_changes(form, hand, row)
    if not changes:
        messages.info(request, _("Không có thay đổi."))
        return True
    if all_or_nothing(request, [
            partial(services.score, request.user, year.cy, member=member, criterion=c, round=ScoreRound.FINAL,
                    points=value, reason=reason) for c, value, reason in changes]):
        messages.success(request, _("Đã lưu %(n)s điểm tổng hợp của %(org)s.") % {
            "n": len(changes), "org": member.name})
        return True
    return False


def _consolidation_lines(row, hand, form) -> tuple[list, list]:
    scorers = []
    if row is not None:
        names = {}
        for c in hand:
            for s, _p, _c in row.cells[c.pk].cross:
                names[s.pk] = s
        scorers = sorted(names.values(), key=lambda o: fold(o.name))
    lines = []
    for c in hand:
        cell = row.cells[c.pk] if row else None
        by_scorer = {s.pk: (p, comment) for s, p, comment in cell.cross} if cell else {}
        lines.append({"c": c, "cell": cell, "cross": [by_scorer.get(s.pk) for s in scorers],
                      "fields": form.row(c) if form else None})
    return scorers, lines


@login_required
def consolidate(request, pk: int):
    """The chair's consolidation grid: self / each cross / mean / final with its reason."""
    year = load_year(request, pk)
    cy = year.cy
    sheet = score_sheet(cy)
    hand = [c for c in sheet.leaves if c.is_hand_scored]
    member = member_param(year, request, "thanh-vien") or (year.members[0] if year.members else None)
    row = sheet.row_for(member.pk) if member else None
    editable = year.roles.can_lead and year.opened and not year.locked and bool(hand)
    back = redirect(year.url("year-consolidate", **({"thanh-vien": member.pk} if member else {})))
    if request.method == "POST" and not (row is not None and editable):
        # not the chair, not open, locked: the guard says which
        if member is not None and hand:
            guarded(request, services.check_score, request.user, cy, member, ScoreRound.FINAL)
        return back
    form = None
    if row is not None and editable:
        initial = {}
        for c in hand:
            cell = row.cells[c.pk]
            if cell.final_stored is not None:
                initial[f"final_{c.pk}"], initial[f"reason_{c.pk}"] = cell.final_stored, cell.final_reason
        form = f.FinalScoreForm(request.POST or None, initial=initial, criteria=hand)
        if request.method == "POST" and form.is_valid() and _save_finals(request, year, member, form, hand, row):
            return back
    scorers, lines = _consolidation_lines(row, hand, form)
    return render_year(request, "emulation/year/consolidate.html", year, "scores", subtab="consolidate",
                       sheet=sheet, member=member, row=row, lines=lines, scorers=scorers, form=form,
                       editable=editable)


@login_required
@require_GET
def score_history(request, pk: int):
    """Every change of the year's score rows (thidua.core.audit: who, when, before, after, why)."""
    year = load_year(request, pk)
    member = member_param(year, request, "thanh-vien")
    rows = Score.objects.filter(criterion__cluster_year=year.cy)
    if member is not None:
        rows = rows.filter(member=member)
    # The same rows audit.history(score) returns, for all the year's scores in one query.
    events = AuditEvent.objects.filter(object_type=Score._meta.label_lower,
                                       object_id__in=[str(pk) for pk in rows.values_list("pk", flat=True)]
                                       ).order_by("-at", "-id")
    page = Paginator(events, HISTORY_PAGE).get_page(request.GET.get("page"))
    for e in page:
        e.points_before = (e.before or {}).get("points")
        e.points_after = (e.after or {}).get("points")
    return render_year(request, "emulation/year/score_history.html", year, "scores", subtab="history", page=page,
                       events=page.object_list, member=member)
