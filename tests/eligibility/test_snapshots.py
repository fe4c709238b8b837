"""Eligibility snapshots of a whole province: computed by a background job (with progress), shown by the page with
their computation time, marked stale by any write to the area's records, recomputed only by who may."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tests.conftest import user
from thidua.awards import services
from thidua.awards.models import AwardType, Evaluation
from thidua.core.models import AuditEvent
from thidua.eligibility import snapshots
from thidua.eligibility.loader import subtree
from thidua.eligibility.models import EligibilitySnapshot
from thidua.eligibility.views import summarise
from thidua.jobs.models import Job, JobStatus
from thidua.orgs.models import Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]  # the provinces of the reference scenario
YEAR, AWARD = 2018, "LDTT"


def province(code: str) -> Organization:
    return Organization.objects.filter(kind=OrganizationKind.PROVINCE, admin_code=code, valid_from__isnull=True).get()


@pytest.fixture(autouse=True)
def big_areas(settings):
    settings.THIDUA_ELIGIBILITY_JOB_MIN_PEOPLE = 1  # every province is "big" here
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}
    settings.THIDUA_TASKS_QUEUE = "default"


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def query(org) -> dict:
    return {"year": YEAR, "award": AWARD, "org": org.pk}


def recompute(client, org):
    return client.post("/xet-dieu-kien/tinh-san/", query(org))


def test_the_job_computes_the_snapshot_with_progress_and_the_page_shows_it():
    cao_bang = province("04")
    caobang = client_for("caobang")
    page = caobang.get("/xet-dieu-kien/", query(cao_bang))
    assert page.status_code == 200 and "Chưa có kết quả tính sẵn" in page.content.decode()
    assert 'id="snapshot-recompute"' in page.content.decode()
    r = recompute(caobang, cao_bang)
    assert r.status_code == 302
    job = Job.objects.get(kind=snapshots.SNAPSHOT_KIND)
    assert job.status == JobStatus.SUCCEEDED and job.owner == user("caobang")
    people, collectives = subtree(cao_bang)
    assert job.total == people.count() + collectives.count() and job.done == job.total  # progress reported
    snap = EligibilitySnapshot.objects.get(organization=cao_bang, year=YEAR, award_code=AWARD)
    expected, _lines = summarise(YEAR, AWARD, cao_bang, people, collectives)
    assert snap.summary["n_eligible"] == expected["n_eligible"] and snap.evaluated == expected["evaluated"] > 0
    assert snap.computed_at is not None and snap.seconds is not None and not snap.is_stale and snap.job == job
    assert job.result_url.startswith("/xet-dieu-kien/?")
    # The page shows the snapshot (no evaluation in the request), with its time, to anyone who sees the province.
    for username in ("caobang", "trunguong", "kiemtra"):
        page = client_for(username).get("/xet-dieu-kien/", query(cao_bang))
        body = page.content.decode()
        assert page.status_code == 200 and "Kết quả tính sẵn lúc" in body and 'id="snapshot-fresh"' in body
        assert page.context["n_eligible"] == expected["n_eligible"]
    assert 'id="snapshot-recompute"' not in client_for("kiemtra").get("/xet-dieu-kien/", query(cao_bang)).content.decode()


def test_a_write_in_the_area_marks_the_snapshot_stale_and_a_recompute_clears_it():
    cao_bang, lai_chau = province("04"), province("12")
    snap = snapshots.compute(cao_bang, YEAR, AWARD)
    other = snapshots.compute(lai_chau, YEAR, AWARD)
    assert not snap.is_stale and not other.is_stale
    person = Person.objects.filter(organization__province=cao_bang).order_by("pk").first()
    services.record_evaluation(user("caobang"), year=2019, rating="HTXS", person=person)
    snap.refresh_from_db()
    other.refresh_from_db()
    assert snap.is_stale and not other.is_stale  # only the province written to
    body = client_for("caobang").get("/xet-dieu-kien/", query(cao_bang)).content.decode()
    assert 'id="snapshot-stale"' in body and "cần tính lại" in body
    snap = snapshots.compute(cao_bang, YEAR, AWARD)
    assert not snap.is_stale
    # Other kinds of writes: an award record, a bulk update of ratings, a person moved, a deletion.
    a = services.record_decision(user("caobang"), authority=cao_bang, number="77/QĐ-TEST", signed_on=date(2019, 3, 1),
                                 awards=[{"award_type": AwardType.objects.get(code="BK_TINH"), "year": 2018,
                                          "person": person}])
    assert EligibilitySnapshot.objects.get(pk=snap.pk).is_stale and not EligibilitySnapshot.objects.get(pk=other.pk).is_stale
    assert a.awards.count() == 1
    lc_person = Person.objects.filter(organization__province=lai_chau).order_by("pk").first()
    for write in (lambda: Evaluation.objects.create(person=lc_person, year=2017, rating="HTT"),
                  lambda: Evaluation.objects.filter(person=lc_person, year=2017).update(rating="HT"),
                  lambda: Person.objects.filter(pk=lc_person.pk).update(full_name="Đổi Tên"),
                  lambda: Evaluation.objects.filter(person=lc_person, year=2017).delete()):
        other = snapshots.compute(lai_chau, YEAR, AWARD)
        write()
        assert EligibilitySnapshot.objects.get(pk=other.pk).is_stale


def test_who_may_recompute_and_refusals_change_nothing():
    cao_bang = province("04")
    jobs_before = Job.objects.count()
    # Anonymous: to the login page.
    r = Client().post("/xet-dieu-kien/tinh-san/", query(cao_bang))
    assert r.status_code == 302 and "/login" in r["Location"] or "dang-nhap" in r["Location"]
    # Read-only roles with the province in sight: refused, with a denied audit row.
    for username in ("kiemtra", "hoidong"):
        denied = AuditEvent.objects.filter(action="denied", username=username).count()
        r = recompute(client_for(username), cao_bang)
        assert r.status_code == 403, username
        assert AuditEvent.objects.filter(action="denied", username=username).count() == denied + 1
    # Another province's office and a unit officer cannot even pick Cao Bằng.
    for username in ("laichau", "donvi"):
        assert recompute(client_for(username), cao_bang).status_code == 400, username
    assert Job.objects.count() == jobs_before and not EligibilitySnapshot.objects.exists()
    # A unit (not a whole province) has no snapshot.
    dept = Organization.objects.get(user_roles__user__username="donvi")
    r = recompute(client_for("caobang"), dept)
    assert r.status_code == 400 and "chỉ có cho cả một tỉnh" in r.content.decode()
    # The Central Board may (national view); so does the province's own office (tested above).
    assert recompute(client_for("trunguong"), cao_bang).status_code == 302
    assert EligibilitySnapshot.objects.filter(organization=cao_bang).count() == 1
    assert not snapshots.may_recompute(user("laichau"), cao_bang)
    assert snapshots.may_recompute(user("caobang"), cao_bang)
