"""Working days and deadlines (rules.md section 6): weekends, Vietnamese public holidays (Tết…), make-up
Saturdays; the days left on a dossier and overdue dossiers flagged."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.nominations.conftest import build, user
from thidua.nominations import services
from thidua.nominations.models import Dossier, Holiday
from thidua.nominations.workdays import Calendar, add_working_days, deadline_status, working_days_between
from thidua.nominations.workflow import workflow

CAL = Calendar.from_csv()
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("start,n,due,why", [
    (date(2025, 3, 7), 1, date(2025, 3, 10), "Friday + 1 → Monday"),
    (date(2025, 1, 24), 5, date(2025, 2, 7), "Tết Ất Tỵ: 27–31/01 off, then a weekend"),
    (date(2025, 4, 24), 3, date(2025, 4, 28), "Saturday 26/04/2025 is a make-up working day"),
    (date(2025, 4, 29), 1, date(2025, 5, 5), "30/4, 1/5 and the swapped 2/5 off, then a weekend"),
    (date(2025, 8, 29), 1, date(2025, 9, 3), "National Day: Monday 1/9 and Tuesday 2/9 off"),
    (date(2024, 2, 7), 1, date(2024, 2, 15), "Tết Giáp Thìn: 8–14/02/2024"),
    (date(2026, 4, 24), 1, date(2026, 4, 28), "Hùng Kings' day on a Sunday: Monday 27/4 off in exchange"),
    (date(2025, 3, 7), 0, date(2025, 3, 7), "zero days"),
])
def test_add_working_days(start, n, due, why):
    assert add_working_days(start, n, CAL) == due, why
    # Independent count: the working days in (start, due] are exactly n.
    days = [start + timedelta(days=i) for i in range(1, (due - start).days + 1)]
    worked = [d for d in days if (d.weekday() < 5 and d not in CAL.holidays) or d in CAL.workdays]
    assert len(worked) == n and (n == 0 or worked[-1] == due)


def test_working_days_between_counts_both_ways():
    assert working_days_between(date(2025, 1, 24), date(2025, 2, 7), CAL) == 5
    assert working_days_between(date(2025, 2, 7), date(2025, 1, 24), CAL) == -5
    assert working_days_between(date(2025, 3, 10), date(2025, 3, 10), CAL) == 0


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), st.integers(min_value=0, max_value=40))
def test_adding_then_counting_gives_back_n(start, n):
    due = add_working_days(start, n, CAL)
    assert working_days_between(start, due, CAL) == n
    assert n == 0 or CAL.is_working_day(due)


def test_deadline_status_days_left_and_overdue():
    kw = {"code": "receive", "label": "Tiếp nhận", "basis": "QĐ 311", "started": date(2025, 1, 24), "working_days": 5,
          "calendar": CAL}
    assert deadline_status(today=date(2025, 1, 24), **kw).days_left == 5
    s = deadline_status(today=date(2025, 2, 7), **kw)
    assert (s.due, s.days_left, s.due_today, s.overdue) == (date(2025, 2, 7), 0, True, False)
    s = deadline_status(today=date(2025, 2, 8), **kw)  # Saturday after the due date: overdue all the same
    assert (s.days_left, s.overdue, s.days_overdue) == (-1, True, 1)
    s = deadline_status(today=date(2025, 2, 12), **kw)
    assert (s.days_left, s.days_overdue) == (-3, 3)


@pytest.mark.django_db
def test_the_calendar_is_configurable_data():
    assert Calendar.from_db() == CAL  # loaded from data/holidays.csv by the demo
    Holiday.objects.create(date=date(2027, 3, 8), name="Ngày nghỉ do địa phương quyết định (thử)")
    assert add_working_days(date(2027, 3, 5), 1, Calendar.from_db()) == date(2027, 3, 9)
    assert add_working_days(date(2027, 3, 5), 1, CAL) == date(2027, 3, 8)
    Holiday.objects.all().delete()
    assert Calendar.from_db() == CAL  # an empty table falls back to the defaults


def test_deadlines_are_data():
    codes = {d.code: (sorted(d.states), d.start, d.working_days) for d in workflow().deadlines}
    assert codes == {"receive": (["submitted"], "state_entered_at", 5),
                     "appraise": (["appraisal", "council", "received"], "received_at", 20),
                     "notify": (["decided"], "state_entered_at", 10)}


@pytest.mark.integration
@pytest.mark.django_db
def test_dossier_deadline_and_overdue_flag_in_the_inbox(dept, unit):
    d = build("submitted", dept, unit, vote_item=False, title="Quá hạn tiếp nhận")
    Dossier.objects.filter(pk=d.pk).update(state_entered_at=datetime(2025, 1, 24, 9, 0, tzinfo=HCM))
    d.refresh_from_db()
    s = services.dossier_deadline(d, today=date(2025, 2, 10))
    assert (s.code, s.due, s.days_left, s.overdue) == ("receive", date(2025, 2, 7), -1, True)
    rows = services.inbox(user("caobang"))
    mine = [r for r in rows if r[0].pk == d.pk]
    assert mine and mine[0][1].overdue and rows[0][1].overdue  # most urgent first
    from django.test import Client

    c = Client()
    c.force_login(user("caobang"))
    page = c.get("/ho-so/cho-xu-ly/").content.decode()
    assert "Quá hạn tiếp nhận" in page and "quá hạn" in page and "table-danger" in page
    # Received: the appraisal clock (20 working days) starts; the inbox shows the days left.
    services.move(user("caobang"), d, "receive")
    d.refresh_from_db()
    s = services.dossier_deadline(d)
    assert s.code == "appraise" and s.days_left == 20 and not s.overdue

