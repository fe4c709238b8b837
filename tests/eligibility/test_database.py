"""Eligibility over stored records: the loader, the CLI, the page and the API, with personas."""

import io
import json
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from thidua.awards.models import (
    Award,
    AwardType,
    Basis,
    Decision,
    Discipline,
    Evaluation,
    Initiative,
    Membership,
    RecipientClass,
    Review,
    Revocation,
)
from thidua.eligibility.loader import evaluate_database, iter_collectives, iter_people, subtree
from thidua.eligibility.models import Quota, RuleOverride
from thidua.orgs.models import Gender, Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "eligibility-example.json"


@pytest.fixture
def unit(db):
    dept = Organization.objects.get(user_roles__user__username="donvi")  # Sở Nội vụ Cao Bằng
    return Organization.objects.create(kind=OrganizationKind.UNIT, name="Phòng Thử nghiệm", parent=dept)


def award(subject, code, year, basis=Basis.MERIT, authority=None):
    authority = authority or subject_unit(subject).province
    decision, _ = Decision.objects.get_or_create(authority=authority, number=f"T{year}-{code}",
                                                 defaults={"signed_on": date(year + 1, 1, 15)})
    person = subject if isinstance(subject, Person) else None
    org = subject if isinstance(subject, Organization) else None
    return Award.objects.create(
        decision=decision, award_type=AwardType.objects.get(code=code), year=year, basis=basis,
        recipient_class=RecipientClass.DIRECT_WORKER if person else RecipientClass.SMALL_COLLECTIVE,
        recipient_person=person, recipient_org=org, recipient_name=str(subject), unit=subject_unit(subject),
        province=subject_unit(subject).province)


def subject_unit(subject):
    return subject.organization if isinstance(subject, Person) else subject


def new_person(unit, name="Lò Thị Mai", gender=Gender.FEMALE):
    return Person.objects.create(full_name=name, gender=gender, organization=unit)


def result(year, person, code):
    (r,) = [r for r in evaluate_database(year, Person.objects.filter(pk=person.pk), None, [code])]
    return r


def test_loader_reads_the_whole_record(unit):
    p = new_person(unit)
    for y in (2022, 2023, 2024):
        Evaluation.objects.create(person=p, year=y, rating="HTXS")
        award(p, "LDTT", y)
        award(p, "CSTDCS", y)
    Initiative.objects.create(person=p, title="Số hóa hồ sơ", code="SK-9", scope="provincial", year=2023)
    r = result(2024, p, "CSTD_TINH")
    assert r.eligible, [c.explanation for c in r.checks]
    evidence = " ".join(e for c in r.checks for e in c.evidence)
    assert "QĐ T2023-CSTDCS" in evidence and "SK-9" in evidence


def test_small_chunks_and_a_small_decision_cache_give_the_same_results(unit, monkeypatch):
    """Chunks of one person and a decision cache emptied at every chunk: the same results, evidence included."""
    from thidua.eligibility import loader

    for i, rating in enumerate(["HTXS", "HTT", "HTXS"]):
        p = new_person(unit, f"NV {i}")
        for y in (2022, 2023, 2024):
            Evaluation.objects.create(person=p, year=y, rating=rating)
            award(p, "LDTT", y)
            if rating == "HTXS":
                award(p, "CSTDCS", y)
    people = Person.objects.filter(organization=unit)
    expected = [r.as_dict() for r in evaluate_database(2024, people, None)]
    monkeypatch.setattr(loader._Lookups, "CACHE_LIMIT", 1)
    assert [r.as_dict() for r in evaluate_database(2024, people, None, chunk_size=1)] == expected
    eligible = {(Person.objects.get(pk=r["subject"]).full_name, r["award"]) for r in expected if r["eligible"]}
    # HTXS with LĐTT and CSTĐCS three years: LĐTT, CSTĐCS, BK tỉnh (CSTĐCS twice); no initiative, so no CSTĐ tỉnh.
    assert eligible == {(n, a) for n in ("NV 0", "NV 2") for a in ("LDTT", "CSTDCS", "BK_TINH")} | {("NV 1", "LDTT")}
    assert any("QĐ T2024-CSTDCS" in e for r in expected for c in r["checks"] for e in c["evidence"])


def test_rows_read_in_one_fetch_are_the_querysets_rows(unit):
    """The loader's one-fetch read (`_fetch`, used where no value needs converting) gives exactly the rows,
    columns in the same order, that Django's own `values_list` iteration gives; the loaded subjects' award
    codes are those found in their years (what the evaluator would collect)."""
    from thidua.eligibility import loader
    from thidua.eligibility.conditions import held_codes

    people = []
    for i, rating in enumerate(["HTXS", "HTT"]):
        p = new_person(unit, f"NV {i}")
        people.append(p)
        for y in (2023, 2024):
            Evaluation.objects.create(person=p, year=y, rating=rating)
            award(p, "LDTT", y)
        Initiative.objects.create(person=p, title="Sáng kiến", code=f"SK-{i}", scope="grassroots", year=2024,
                                  used_for=award(p, "CSTDCS", 2024) if i else None)
    Revocation.objects.create(award=Award.objects.filter(recipient_person=people[0], year=2023).first(),
                              decision=Decision.objects.first(), reason="sai hồ sơ")
    queries = loader.person_queries(people[0].pk, people[-1].pk, 2012, 2024)
    for name in ("awards", "ratings", "initiatives"):
        rows = loader._fetch(queries[name])
        assert rows and sorted(rows) == sorted(queries[name]), name
        assert all(isinstance(r, tuple) for r in rows)
    (chunk,) = loader.iter_people_chunks(Person.objects.filter(pk__in=[p.pk for p in people]), 2024)
    for s in chunk:
        assert s.award_codes is not None and set(s.award_codes) == set(held_codes(
            loader.Subject(s.id, years=s.years))) != set()
    assert [sorted(s.year(2023).awards) for s in chunk] == [[], ["LDTT"]]  # the revoked award is left out
    copy = pickle.loads(pickle.dumps(chunk))  # loaded histories stay plain, picklable data
    assert set(copy[1].award_codes) == {"LDTT", "CSTDCS"} and copy[0].year(2023).awards == {}


def test_revoked_award_does_not_count(unit):
    p = new_person(unit)
    awards = [award(p, "CSTDCS", y) for y in (2023, 2024)]
    assert result(2024, p, "BK_TINH").eligible
    Revocation.objects.create(award=awards[0], decision=awards[0].decision, reason="sai hồ sơ")
    r = result(2024, p, "BK_TINH")
    assert not r.eligible and "thiếu 2023" in r.checks[-1].explanation


def test_ad_hoc_awards_do_not_count_toward_merit(unit):
    p = new_person(unit)
    award(p, "CSTDCS", 2023, basis=Basis.ADHOC)
    award(p, "CSTDCS", 2024)
    assert not result(2024, p, "BK_TINH").eligible


def test_used_initiative_is_refused_from_the_database(unit):
    p = new_person(unit)
    Evaluation.objects.create(person=p, year=2024, rating="HTT")
    award(p, "LDTT", 2024)
    other = award(p, "GIAY_KHEN", 2024)
    i = Initiative.objects.create(person=p, title="Cải tiến quy trình", code="SK-1", scope="grassroots", year=2024)
    assert result(2024, p, "CSTDCS").eligible
    i.used_for = other
    i.save()
    r = result(2024, p, "CSTDCS")
    assert not r.eligible and "đã dùng cho GIAY_KHEN:2024" in r.checks[-1].explanation


def test_discipline_and_open_review_from_the_database(unit):
    p = new_person(unit)
    Evaluation.objects.create(person=p, year=2024, rating="HTXS")
    Discipline.objects.create(person=p, level="reprimand", starts_on=date(2024, 3, 1), ends_on=date(2025, 2, 28))
    assert not result(2024, p, "LDTT").eligible
    q = new_person(unit, "Vàng A Páo", Gender.MALE)
    Evaluation.objects.create(person=q, year=2024, rating="HTXS")
    Review.objects.create(person=q, kind="inspection", opened_on=date(2024, 10, 1))
    assert not result(2024, q, "LDTT").eligible
    Review.objects.filter(person=q).update(closed_on=date(2024, 11, 1))
    assert result(2024, q, "LDTT").eligible


def test_collective_share_computed_from_membership(unit):
    team = Organization.objects.create(kind=OrganizationKind.UNIT, name="Tổ Một cửa", parent=unit, is_small_collective=True)
    Evaluation.objects.create(organization=team, year=2024, rating="HTT")
    people = [new_person(unit, f"Người {i}") for i in range(10)]
    for i, p in enumerate(people):
        Membership.objects.create(person=p, organization=team, year=2024)
        if i < 7:
            award(p, "LDTT", 2024)
    (subject,) = list(iter_collectives(Organization.objects.filter(pk=team.pk), 2024))
    assert (subject.year(2024).members.count, subject.year(2024).members.ldtt) == (10, 7)
    (r,) = list(evaluate_database(2024, None, Organization.objects.filter(pk=team.pk), ["TTLDTT"]))
    assert r.eligible
    Discipline.objects.create(person=people[9], level="warning", starts_on=date(2024, 5, 1))
    (r,) = list(evaluate_database(2024, None, Organization.objects.filter(pk=team.pk), ["TTLDTT"]))
    assert not r.eligible


def test_loader_streams_in_chunks_with_constant_queries(unit, django_assert_max_num_queries):
    people = [new_person(unit, f"NV {i}") for i in range(30)]
    for p in people:
        Evaluation.objects.create(person=p, year=2024, rating="HTT")
    with django_assert_max_num_queries(5 * 6 + 2):  # a fixed number per chunk, whatever the chunk holds
        subjects = list(iter_people(Person.objects.filter(organization=unit), 2024, chunk_size=10))
    assert len(subjects) == 30


def test_override_from_the_database_applies_to_its_authority(unit):
    p = new_person(unit)
    for y in (2023, 2024):
        award(p, "CSTDCS", y)
    cao_bang = unit.province
    RuleOverride.objects.create(authority=cao_bang, award_code="BK_TINH", subject_kind="individual",
                                effective_from=date(2024, 1, 1), basis="QĐ của UBND tỉnh (thử)",
                                conditions=[{"id": "three", "kind": "title_run", "params": {"award": "CSTDCS", "years": 3}}])
    people = Person.objects.filter(pk=p.pk)
    (general,) = list(evaluate_database(2024, people, None, ["BK_TINH"]))
    (local,) = list(evaluate_database(2024, people, None, ["BK_TINH"], authority=cao_bang))
    assert general.eligible and not local.eligible and local.rule.startswith("OVERRIDE-")


def test_override_validation_names_the_bad_condition():
    from django.core.exceptions import ValidationError

    bad = RuleOverride(award_code="LDTT", subject_kind="individual", effective_from=date(2024, 1, 1), basis="x",
                       conditions=[{"kind": "rating_run"}, {"kind": "nope"}])
    with pytest.raises(ValidationError, match=r"conditions\[1\].*nope"):
        bad.clean()


def test_evaluator_imports_no_orm():
    code = "import sys, thidua.eligibility.engine; print(any(m.startswith('django.db') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- CLI ----
def test_cli_on_the_example_file(capsys):
    call_command("eligibility", "--input", str(EXAMPLE), "--format", "json", "--award", "CSTDCS", "CSTD_TINH")
    out = json.loads(capsys.readouterr().out)
    assert {r["year"] for r in out["results"]} == set(range(2018, 2026))  # every year of the file's range
    got = {(r["subject"], r["award"]): r["eligible"] for r in out["results"]
           if r["year"] == 2024 and r["subject"] != "DV-001"}
    assert got == {("NV-001", "CSTDCS"): True, ("NV-001", "CSTD_TINH"): False,
                   ("NV-002", "CSTDCS"): False, ("NV-002", "CSTD_TINH"): False,  # reprimand from 01/3/2024
                   ("QN-003", "CSTDCS"): True, ("QN-003", "CSTD_TINH"): False}  # Chiến sĩ tiên tiến = LĐTT
    missing = next(r for r in out["results"] if r["award"] == "CSTD_TINH" and r["subject"] == "NV-001"
                   and r["year"] == 2024)
    assert any("thiếu 2024" in c["explanation"] for c in missing["checks"])


def test_cli_over_the_database_in_every_format(unit, tmp_path, capsys):
    p = new_person(unit)
    Evaluation.objects.create(person=p, year=2024, rating="HTXS")
    args = ["--year", "2024", "--org", str(unit.pk), "--award", "LDTT"]
    call_command("eligibility", *args, "--format", "json")
    assert json.loads(capsys.readouterr().out)["results"][0]["eligible"] is True
    call_command("eligibility", *args, "--format", "csv")
    assert "Đủ" in capsys.readouterr().out
    call_command("eligibility", *args)
    assert "ĐỦ ĐIỀU KIỆN" in capsys.readouterr().out
    target = tmp_path / "out.xlsx"
    call_command("eligibility", *args, "--format", "xlsx", "--output", str(target))
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[1][1] == "Lò Thị Mai" and rows[1][4] == "Đủ"


def test_cli_bad_input_says_what_is_wrong(tmp_path):
    from django.core.management import CommandError

    bad = tmp_path / "bad.json"
    bad.write_text('{"subjects": []}')
    with pytest.raises(CommandError, match="bad.json"):
        call_command("eligibility", "--input", str(bad), "--format", "json")
    with pytest.raises(CommandError, match="không tìm thấy|Không tìm thấy"):
        call_command("eligibility", "--year", "2024", "--org", "XX")


# ---- page and API, by persona ----
@pytest.fixture
def lan_and_son(unit):
    """Two people of `unit` for CSTĐ tỉnh 2024: Hà Thị Lan is eligible (CSTĐCS 2022–2024, an initiative);
    Nông Văn Sơn lacks 2022. Returns the unit (also used by tests/jobs/test_eligibility_job.py)."""
    good, near = new_person(unit, "Hà Thị Lan"), new_person(unit, "Nông Văn Sơn", Gender.MALE)
    for p in (good, near):
        Evaluation.objects.create(person=p, year=2024, rating="HTXS")
        award(p, "LDTT", 2024)
        award(p, "CSTDCS", 2024)
        award(p, "CSTDCS", 2023)
    award(good, "CSTDCS", 2022)
    Initiative.objects.create(person=good, title="A", scope="provincial", year=2024)
    Initiative.objects.create(person=near, title="B", scope="provincial", year=2024)
    return unit


def test_page_lists_eligible_and_near_misses(lan_and_son, province_officer):
    unit = lan_and_son
    page = province_officer.get("/xet-dieu-kien/", {"org": unit.pk, "year": 2024, "award": "CSTD_TINH"})
    assert page.status_code == 200
    assert [r.subject_name for r in page.context["eligible"]] == ["Hà Thị Lan"]
    assert [r.subject_name for r in page.context["near"]] == ["Nông Văn Sơn"]
    assert "thiếu 2022" in page.content.decode()
    export = province_officer.get("/xet-dieu-kien/", {"org": unit.pk, "year": 2024, "award": "CSTD_TINH", "export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert {r[1] for r in rows[1:]} == {"Hà Thị Lan", "Nông Văn Sơn"}


def test_page_applies_a_quota_with_women_first(unit, province_officer):
    for name, gender in (("Anh Nam", Gender.MALE), ("Chị Hoa", Gender.FEMALE)):
        p = new_person(unit, name, gender)
        Evaluation.objects.create(person=p, year=2024, rating="HTXS")
    Quota.objects.create(authority=unit, year=2024, award_code="LDTT", max_count=1, tie_breaks=["female_first"])
    page = province_officer.get("/xet-dieu-kien/", {"org": unit.pk, "year": 2024, "award": "LDTT"})
    assert [(r.subject_name, within) for r, within in page.context["ranked"]] == [("Chị Hoa", True), ("Anh Nam", False)]


def test_person_record_page_and_scope(unit, province_officer, other_province_officer, client):
    p = new_person(unit)
    Evaluation.objects.create(person=p, year=2024, rating="HTXS")
    award(p, "LDTT", 2024)
    page = province_officer.get(f"/ca-nhan/{p.pk}/", {"year": 2024})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hoàn thành xuất sắc nhiệm vụ" in html and "Lao động tiên tiến" in html
    assert any(r.award == "CSTDCS" and r.eligible for r in page.context["results"])
    assert other_province_officer.get(f"/ca-nhan/{p.pk}/").status_code == 404
    assert client.get(f"/ca-nhan/{p.pk}/").status_code == 302
    # The check page of another province's unit is refused too.
    refused = other_province_officer.get("/xet-dieu-kien/", {"org": unit.pk, "year": 2024, "award": "LDTT"})
    assert refused.status_code == 200 and "org" in refused.context["form"].errors


def test_api_get_and_post(unit, province_officer, other_province_officer, client):
    p = new_person(unit)
    Evaluation.objects.create(person=p, year=2024, rating="HTT")
    data = province_officer.get("/api/v1/eligibility", {"year": 2024, "org": unit.pk, "award": "LDTT"}).json()
    assert [(r["subject"], r["eligible"]) for r in data["results"]] == [(str(p.pk), True)]
    assert other_province_officer.get("/api/v1/eligibility", {"year": 2024, "org": unit.pk}).status_code == 404
    assert province_officer.get("/api/v1/eligibility", {"year": "x"}).status_code == 400
    assert province_officer.get("/api/v1/eligibility", {"year": 2024, "award": "NOPE"}).status_code == 400
    assert client.get("/api/v1/eligibility", {"year": 2024}).status_code in (401, 403)
    posted = province_officer.post("/api/v1/eligibility", json.loads(EXAMPLE.read_text()), content_type="application/json")
    assert posted.status_code == 200
    assert {(r["subject"], r["award"], r["eligible"]) for r in posted.json()["results"]} >= {("NV-001", "CSTDCS", True)}
    assert province_officer.post("/api/v1/eligibility", {"subjects": []}, content_type="application/json").status_code == 400


def test_subtree_includes_merged_predecessors(db):
    tuyen_quang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="08", valid_from__isnull=False)
    ha_giang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="02")
    people, _ = subtree(tuyen_quang)
    assert people.filter(organization__province=ha_giang).exists()


def test_api_get_pages_through_results(unit, province_officer):
    for i in range(5):
        Evaluation.objects.create(person=new_person(unit, f"Người {i}"), year=2024, rating="HTT")
    first = province_officer.get("/api/v1/eligibility", {"year": 2024, "org": unit.pk, "award": "LDTT", "page_size": 2}).json()
    assert len(first["results"]) == 2 and "page=2" in first["next"]
    last = province_officer.get("/api/v1/eligibility", {"year": 2024, "org": unit.pk, "award": "LDTT", "page_size": 2,
                                                        "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert province_officer.get("/api/v1/eligibility", {"year": 2024, "page_size": 5000}).status_code == 400


def test_api_post_reports_keys_that_are_not_years(province_officer):
    body = {"year": 2024, "subjects": [{"id": "A", "years": {"2024": {"rating": "HTT"}, "năm ngoái": {"rating": "HTXS"}}}],
            "awards": ["LDTT"]}
    out = province_officer.post("/api/v1/eligibility", body, content_type="application/json").json()
    assert out["results"][0]["eligible"] is True
    assert "năm ngoái" in out["warnings"][0]
    bad = province_officer.post("/api/v1/eligibility", {"year": 2024, "subjects": [{"id": ""}]}, content_type="application/json")
    assert bad.status_code == 400 and "id" in str(bad.json()["subjects"])


# ---- facts added for the law in force: maternity, armed-forces names, the cluster's lead ----
def test_maternity_year_from_the_record_keeps_a_run_alive(unit):
    p = new_person(unit)
    for y in (2021, 2023, 2024):
        award(p, "CSTDCS", y)
        Evaluation.objects.create(person=p, year=y, rating="HTXS")
    Initiative.objects.create(person=p, title="Sáng kiến cấp tỉnh", scope="provincial", year=2024)
    ev = Evaluation.objects.create(person=p, year=2022, rating="HT")
    r = result(2024, p, "CSTD_TINH")
    assert not r.eligible and "thiếu 2022" in next(c for c in r.checks if c.condition == "cstdcs_3").explanation
    ev.on_maternity_leave = True
    ev.save()
    (subject,) = list(iter_people(Person.objects.filter(pk=p.pk), 2024))
    assert subject.year(2022).maternity
    r = result(2024, p, "CSTD_TINH")
    assert r.eligible and "nghỉ thai sản" in next(c for c in r.checks if c.condition == "cstdcs_3").explanation


def test_members_titled_chien_si_tien_tien_count_as_ldtt(unit):
    team = Organization.objects.create(kind=OrganizationKind.UNIT, name="Đội Cơ động", parent=unit)
    Evaluation.objects.create(organization=team, year=2024, rating="HTT")
    people = [new_person(unit, f"Chiến sĩ {i}", Gender.MALE) for i in range(4)]
    for p in people:
        Membership.objects.create(person=p, organization=team, year=2024)
    award(people[0], "CSTT", 2024)
    award(people[1], "LDTT", 2024)
    orgs = Organization.objects.filter(pk=team.pk)
    (r,) = list(evaluate_database(2024, None, orgs, ["DVTT"]))
    assert r.rule == "TTLDTT-2024" and not r.eligible  # 2 of 4: exactly half
    award(people[2], "CSTT", 2024)
    (r,) = list(evaluate_database(2024, None, orgs, ["DVTT"]))
    assert r.eligible  # 3 of 4


def test_cluster_lead_comes_from_the_cluster_years_scores(cluster_year_2018):
    from thidua.eligibility.loader import cluster_leads
    from thidua.emulation.scoring import score_sheet

    rows = score_sheet(cluster_year_2018).rows
    first = {r.member.pk for r in rows if r.rank == 1 and r.total > 0}
    others = [r.member for r in rows if r.member.pk not in first]
    assert first and others
    members = [m.pk for m in cluster_year_2018.members.all()]
    leads = cluster_leads(members, 2018, 2018)
    assert set(leads) == {(pk, 2018) for pk in first}
    assert set(leads.values()) == {"central"}  # the reference cluster is organised by the Central Council
    leader = Organization.objects.get(pk=next(iter(first)))
    for org in (leader, others[0]):
        Evaluation.objects.create(organization=org, year=2018, rating="HTXS")
    results = {r.subject: r for r in evaluate_database(2018, None, Organization.objects.filter(
        pk__in=[leader.pk, others[0].pk]), ["CO_CP"])}
    assert results[f"org-{leader.pk}"].eligible
    missed = results[f"org-{others[0].pk}"]
    assert not missed.eligible and any("không dẫn đầu" in c.explanation for c in missed.checks)


def test_maternity_is_entered_through_the_record_api(unit, province_officer, other_province_officer):
    p = new_person(unit)
    url = f"/api/v1/people/{p.pk}/evaluations"
    refused = other_province_officer.post(url, {"year": 2023, "rating": "HTT", "on_maternity_leave": True},
                                          content_type="application/json")
    assert refused.status_code == 404 and not Evaluation.objects.filter(person=p).exists()
    made = province_officer.post(url, {"year": 2023, "rating": "HTT", "on_maternity_leave": True},
                                 content_type="application/json")
    assert made.status_code == 201 and made.json()["on_maternity_leave"] is True
    assert Evaluation.objects.get(person=p, year=2023).on_maternity_leave
    bad = province_officer.post(url, {"year": 2023, "rating": "HTT", "on_maternity_leave": "có"},
                                content_type="application/json")
    assert bad.status_code == 400 and Evaluation.objects.get(person=p, year=2023).on_maternity_leave
    team = Organization.objects.create(kind=OrganizationKind.UNIT, name="Tổ Thử", parent=unit)
    collective = province_officer.post("/api/v1/evaluations/", {"organization": team.pk, "year": 2023, "rating": "HTT",
                                                                "on_maternity_leave": True},
                                       content_type="application/json")
    assert collective.status_code == 409 and "thai sản" in collective.content.decode()  # a service refusal
    assert not Evaluation.objects.filter(organization=team).exists()


def test_the_cluster_years_proposals_are_checked_by_the_engine(cluster_year_2018):
    from thidua.eligibility.loader import check_proposals

    checked = check_proposals(cluster_year_2018)
    assert [(p.organization.name, p.award_type.code) for p, _r in checked] == [
        (p.organization.name, p.award_type.code) for p in cluster_year_2018.proposals.all()]
    flag = next(r for p, r in checked if p.award_type.code == "CO_CP")
    # 2018 is judged by the 2003 Law: led its cluster (ranked first), but no yearly rating recorded.
    assert flag.rule == "CO_CP-2017" and not flag.eligible
    assert next(c for c in flag.checks if c.condition == "most_outstanding").met
    assert not next(c for c in flag.checks if c.condition == "exceeds_targets").met
    leader = next(p.organization for p, _r in checked if p.award_type.code == "CO_CP")
    Evaluation.objects.create(organization=leader, year=2018, rating="HTXS")
    flag = next(r for p, r in check_proposals(cluster_year_2018) if p.award_type.code == "CO_CP")
    assert flag.eligible
    certificate = next(r for p, r in checked if p.award_type.code == "BK_TTG")
    assert certificate.rule == "BK_TTG-COL-2017" and not certificate.eligible
    assert any(c.unconfirmed and "CHƯA XÁC NHẬN" in c.explanation for c in certificate.checks)


def test_api_post_checks_the_new_input_fields(province_officer):
    body = {"year": 2025, "awards": ["HCLD3"], "subjects": [{"id": "LD", "gender": "female", "posts": {"director": 4},
                                                             "years": {"2025": {"rating": "HTT"}}}]}
    ok = province_officer.post("/api/v1/eligibility", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["results"][0]["eligible"]
    body["subjects"][0]["years"]["2025"]["awards"] = [{"code": "LDTT", "kind": "adhoc", "colour": "red"}]
    bad = province_officer.post("/api/v1/eligibility", body, content_type="application/json")
    assert bad.status_code == 400 and "colour" in bad.content.decode()
    body["subjects"][0]["years"]["2025"]["awards"] = [{"code": "LDTT", "kind": "surprise"}]
    assert province_officer.post("/api/v1/eligibility", body, content_type="application/json").status_code == 400
    body["subjects"][0]["years"]["2025"]["awards"] = []
    body["subjects"][0]["posts"] = {"director": False}  # a number, not a boolean (schemathesis)
    assert province_officer.post("/api/v1/eligibility", body, content_type="application/json").status_code == 400
    body["subjects"][0]["posts"] = {"director": 4}
    body["subjects"][0]["disciplines"] = [{"level": "warning", "starts_on": "2025-05-01", "ends_on": "2025-01-01"}]
    reported = province_officer.post("/api/v1/eligibility", body, content_type="application/json").json()
    assert reported["results"][0]["eligible"] and "disciplines[0]" in reported["warnings"][0]
    del body["year"]  # the year considered is required; `years` adds more
    body["years"] = [2025]
    assert province_officer.post("/api/v1/eligibility", body, content_type="application/json").status_code == 400
