"""Dates of a past year: the opening form proposes the year's own dates (not today's), refuses an opening
outside the year or after its own deadlines, and the timeline does not call a step done before the year opens."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from thidua.emulation import services
from thidua.emulation.models import ClusterYear, Indicator, Target, YearRun

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def chair_2019() -> Client:
    c = Client()
    c.force_login(get_user_model().objects.get(username="laichau"))
    return c


def test_opening_defaults_to_the_review_conference_of_the_year_before():
    cy = ClusterYear.objects.get(year=2019)
    conference = services.review_conference(ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG"))
    page = chair_2019().get(f"/cum/{cy.pk}/nam/mo/").content.decode()
    field = re.search(r'<input[^>]*name="opened_on"[^>]*>', page).group(0)
    assert conference.held_on.strftime("%d/%m/%Y") in field
    assert date.today().strftime("%d/%m/%Y") not in field


def test_opening_outside_the_year_or_after_a_deadline_is_refused_and_changes_nothing():
    cy = ClusterYear.objects.get(year=2019)
    base = {"theme": "Đoàn kết", "min_cross_scorers": "2", "rotation_years": "3"}
    response = chair_2019().post(f"/cum/{cy.pk}/nam/mo/", {**base, "opened_on": "05/12/2026"})
    assert response.status_code == 200
    assert "phải trong năm 2018 hoặc 2019" in response.content.decode()
    response = chair_2019().post(f"/cum/{cy.pk}/nam/mo/", {**base, "opened_on": "20/05/2019",
                                                          "due_register": "28/02/2019"})
    assert "trước ngày mở năm (20/05/2019)" in response.content.decode()
    assert not YearRun.objects.filter(cluster_year=cy).exists()


def test_no_step_is_done_before_the_year_is_opened():
    cy = ClusterYear.objects.get(year=2019)
    # Plans for every member of an indicator created ahead of the opening (e.g. imported): still not "done".
    ind = Indicator.objects.create(cluster_year=cy, code="X", name="Chỉ tiêu thử", unit="đồng")
    for m in cy.members.all():
        Target.objects.create(indicator=ind, member=m, planned=1)
    steps = services.timeline(cy)
    assert not any(s.done for s in steps)


def test_review_and_ballot_window_follow_the_year_not_today():
    from datetime import timedelta

    from django.utils import timezone

    from thidua.emulation.forms import WindowForm

    cy = ClusterYear.objects.get(year=2019)
    services.open_year(get_user_model().objects.get(username="laichau"), cy, theme="Đoàn kết",
                       opened_on=date(2019, 3, 19))
    page = chair_2019().get(f"/cum/{cy.pk}/nam/bo-phieu/").content.decode()
    field = re.search(r'<input[^>]*name="held_on"[^>]*>', page).group(0)
    # The 2018 review was held on 19/03/2019: the 2019 review is proposed a year later, not today.
    assert "19/03/2020" in field
    assert 'value="Lai Châu"' in re.search(r'<input[^>]*name="place"[^>]*>', page).group(0)
    # A conference on a later day: ballots open at 08:00 that day; one already past: from now.
    later = timezone.localdate() + timedelta(days=10)
    window = WindowForm.default_window(on=later)
    assert window["opens_at"].date() == later and window["opens_at"].hour == 8
    past = WindowForm.default_window(on=date(2020, 3, 18))
    assert past["opens_at"].date() == timezone.localdate()
