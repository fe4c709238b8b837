"""The award summary (thidua.awards.summary): kept exact by every kind of award write, read by the forms and the
dashboards with the same figures as a raw count, checked and repaired by `thidua rebuild_statistics`."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tests.conftest import user
from tests.factories import copy_awards_by_raw_sql
from thidua.awards import services, statistics, summary
from thidua.awards.models import Award, AwardSummary, AwardType, Decision, RecipientClass
from thidua.orgs.models import Organization, OrganizationKind, Person
from thidua.reports import definitions as reports
from thidua.reports import facts, summary_facts

pytestmark = [pytest.mark.django_db, pytest.mark.integration]  # checks the summary against the reference scenario


def province(code: str, current: bool = False) -> Organization:
    return Organization.objects.filter(kind=OrganizationKind.PROVINCE, admin_code=code,
                                       valid_from__isnull=not current).get()


def raw_total() -> int:
    return Award.objects.in_force().count()


def summary_total() -> int:
    days = sum(AwardSummary.objects.filter(grain="d").values_list("n", flat=True))
    assert sum(AwardSummary.objects.filter(grain="y").values_list("n", flat=True)) == days
    return days


def assert_exact():
    assert summary.differences() == []
    assert summary_total() == raw_total()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_reference_scenario_is_summarised_exactly():
    assert raw_total() > 100
    assert_exact()


def test_every_kind_of_award_write_keeps_the_summary_exact():
    cao_bang = province("04")
    dept = Organization.objects.get(user_roles__user__username="donvi")
    staff = list(Person.objects.filter(organization=dept).order_by("pk")[:3])
    bk = AwardType.objects.get(code="BK_TINH")
    # 1. A decision recorded through the service (bulk insert of its award records).
    decision = services.record_decision(user("caobang"), authority=cao_bang, number="901/QĐ-UBND",
                                        signed_on=date(2024, 4, 1), summary="Tặng Bằng khen",
                                        awards=[{"award_type": bk, "year": 2023, "person": p} for p in staff])
    assert_exact()
    # 2. A revocation (service), then one through the successor's nominations path.
    own = Decision.objects.create(authority=cao_bang, number="902/QĐ-TH", signed_on=date(2024, 6, 1))
    first = decision.awards.order_by("pk").first()
    services.revoke_award(user("admin"), first, decision=own, reason="Khai man")
    assert_exact()
    # 3. The decision's signing day corrected (the awards move to another day, and to another year).
    Decision.objects.filter(pk=decision.pk).update(signed_on=date(2025, 1, 3))
    assert_exact()
    d = Decision.objects.get(pk=decision.pk)
    d.signed_on = date(2024, 12, 30)
    d.save()
    assert_exact()
    # 4. Award rows edited in bulk (recipient class, basis, submitting office, province) and one by one.
    Award.objects.filter(decision=decision).update(recipient_class=RecipientClass.DIRECT_WORKER, basis="thematic",
                                                   submitted_by=dept)
    assert_exact()
    lai_chau = province("12")
    Award.objects.filter(pk__in=Award.objects.filter(province=cao_bang).order_by("pk").values("pk")[:50]).update(
        province=lai_chau)
    assert_exact()
    a = Award.objects.in_force().order_by("-pk").first()
    a.award_type = AwardType.objects.get(code="CSTDCS")
    a.save()
    assert_exact()
    # 5. A revocation undone (deleted) and an award deleted; a revoked award deleted with its revocation.
    first.revocation.delete()
    assert_exact()
    Award.objects.filter(pk=a.pk).delete()
    assert_exact()
    # 6. Raw SQL (what a bulk loader does), and a write rolled back with its transaction.
    copy_awards_by_raw_sql(decision.pk)
    assert_exact()
    before = summary_total()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record_decision(user("caobang"), authority=cao_bang, number="903/QĐ-UBND",
                                 signed_on=date(2024, 5, 1), awards=[{"award_type": bk, "year": 2023, "person": staff[0]}])
        raise RuntimeError("rolled back")
    assert summary_total() == before
    assert_exact()


def test_a_merger_and_a_successors_revocation_keep_it_exact_and_the_lineage_is_read_at_query_time():
    """Tuyên Quang (from 01/07/2025) counts Hà Giang's records: the summary keeps each record's province and the
    lineage is expanded when reading, so the merger itself changes no summary row."""
    from thidua.nominations import services as nominations
    from thidua.orgs.models import Role, UserRole

    ha_giang, tuyen_quang = province("02"), province("08", current=True)
    rows_before = list(AwardSummary.objects.order_by("pk").values_list("pk", "n"))
    award = Award.objects.filter(decision__authority=ha_giang, revocation__isnull=True).order_by("pk").first()
    tq, _ = type(user("admin")).objects.get_or_create(username="tuyenquang-office")
    UserRole.objects.get_or_create(user=tq, organization=tuyen_quang, role=Role.EMULATION_OFFICE)
    nominations.revoke(tq, award, number="12/QĐ-UBND", signed_on=date(2025, 8, 1), reason="Khai man")
    assert_exact()
    assert list(AwardSummary.objects.order_by("pk").values_list("pk", "n")) != rows_before
    year = award.decision.signed_on.year
    period = reports.Period.make("year", year)
    for form in ("0602", "0603"):
        definition = reports.definition(form, period.end)
        dims = definition.dimensions
        raw = facts.award_facts(facts.awards_in_period(tuyen_quang, period.start, period.end), dims)
        assert sorted_facts(summary_facts.award_period_facts(tuyen_quang, period.start, period.end, dims)) == \
            sorted_facts(raw)


def sorted_facts(pairs) -> list:
    merged: dict = {}
    for f, n in pairs:
        key = tuple(sorted((k, str(v)) for k, v in f.items()))
        merged[key] = merged.get(key, 0) + n
    return sorted((k, n) for k, n in merged.items() if n)


@pytest.mark.parametrize("kind,year,part,start,end", [
    ("year", 2018, None, None, None), ("five_years", 2019, None, None, None), ("quarter", 2018, 4, None, None),
    ("month", 2018, 12, None, None), ("half", 2019, 1, None, None),
    # whole year 2018 from the yearly rows, the days around it from the daily rows
    ("range", 2019, None, date(2017, 3, 15), date(2019, 9, 14)),
    ("range", 2019, None, date(2018, 1, 1), date(2019, 2, 28)), ("range", 2019, None, date(2017, 12, 2), date(2018, 12, 31)),
])
def test_forms_from_the_summary_equal_a_raw_count(kind, year, part, start, end):
    period = reports.Period.make(kind, year, part, start, end)
    dept = Organization.objects.get(user_roles__user__username="donvi")
    areas = [None, province("04"), province("12"), dept]
    for form in ("0602", "0603"):
        definition = reports.definition(form, period.end)
        for org in areas:
            dims = definition.dimensions
            raw = facts.award_facts(facts.awards_in_period(org, period.start, period.end), dims)
            got = summary_facts.award_period_facts(org, period.start, period.end, dims)
            assert sorted_facts(got) == sorted_facts(raw), (form, org)
    table = reports.compute(reports.definition("0602", period.end), None, period)
    total = facts.awards_in_period(None, period.start, period.end).filter(award_type__level="state").count()
    assert table.rows[0].values[0] == total


def test_a_department_and_person_dimensions_are_counted_from_the_records():
    dept = Organization.objects.get(user_roles__user__username="donvi")
    assert not summary_facts.served(dept, {"level"})
    assert not summary_facts.served(None, {"gender"})
    assert summary_facts.served(province("04"), {"level", "recipient_kind", "submitted_by_kind"})


def test_dashboard_counts_equal_the_raw_counts(cluster_year_2018):
    from thidua.emulation.statistics import cluster_year_summary, member_lineage_ids

    ids = member_lineage_ids(cluster_year_2018)
    s = cluster_year_summary(cluster_year_2018)
    for level, counts in (("state", s.state_awards), ("provincial", s.provincial_awards)):
        assert counts == statistics.commendation_counts(statistics.awards_of(ids, 2018, level))
    assert s.provincial_awards.total > 0


def test_the_decision_year_on_the_rows_selects_the_decisions_of_the_year(cluster_year_2018):
    """awards_of and the registry's year filter read the decision's year copied on the award row."""
    from thidua.emulation.statistics import member_lineage_ids

    ids = member_lineage_ids(cluster_year_2018)
    selected = set(statistics.awards_of(ids, 2018).values_list("pk", flat=True))
    assert selected == set(Award.objects.in_force().filter(province_id__in=ids, decision__signed_on__year=2018)
                           .values_list("pk", flat=True))
    assert selected


def test_an_organisation_page_counts_by_decision_year_what_the_registry_lists(central_board, province_officer,
                                                                             unit_officer, settings):
    """From the summary for a province seen whole (the Central Board, a cluster member's office), from the records
    for a department; each year's figure is the registry's count for that province and year."""
    settings.THIDUA_EXACT_COUNT_LIMIT = 10**9
    cao_bang = province("04")
    dept = Organization.objects.get(user_roles__user__username="donvi")
    pages = {}
    for client, org, records in (
            (central_board, cao_bang, Award.objects.filter(province_id__in=cao_bang.lineage_ids())),
            (province_officer, cao_bang, Award.objects.filter(province_id__in=cao_bang.lineage_ids())),
            (unit_officer, dept, Award.objects.filter(unit__path__startswith=dept.path))):
        by_year = {r["year"]: r["count"] for r in client.get(f"/don-vi/{org.pk}/").context["by_year"]}
        expected = {}
        for year in records.in_force().values_list("decision__signed_on__year", flat=True):
            expected[year] = expected.get(year, 0) + 1
        assert by_year == expected and len(expected) > 1, org
        pages[client] = by_year
    for year, count in pages[central_board].items():
        registry = central_board.get("/khen-thuong/", {"province": cao_bang.pk, "year": year})
        assert registry.context["page"].count.value == count


def test_rebuild_command_reports_and_repairs_a_drift(capsys):
    row = AwardSummary.objects.filter(n__gt=0, grain="d").order_by("pk").first()
    AwardSummary.objects.filter(pk=row.pk).update(n=row.n + 5)
    AwardSummary.objects.create(signed_on=date(2001, 1, 1), province_id=row.province_id,
                                award_type_id=row.award_type_id, recipient_class="collective", basis="merit", n=2)
    assert [d.grain for d in summary.differences()] == ["d", "d"]
    with pytest.raises(CommandError):
        call_command("rebuild_statistics", "--check")
    out = capsys.readouterr().out
    assert "2 dòng tổng hợp chênh lệch" in out and "bảng tổng hợp" in out and "01/01/2001" in out
    assert len(summary.differences()) == 2  # --check changes nothing
    call_command("rebuild_statistics")
    out = capsys.readouterr().out
    assert "còn chênh lệch: 0" in out
    assert_exact()
    call_command("rebuild_statistics", "--check")


def test_rebuild_of_one_province_leaves_the_others_alone():
    cao_bang = province("04")
    AwardSummary.objects.filter(province_id=cao_bang.pk).delete()
    assert summary.differences([cao_bang.pk])
    other = list(AwardSummary.objects.exclude(province_id=cao_bang.pk).order_by("pk").values_list("pk", "n"))
    call_command("rebuild_statistics", "--province", "04")
    assert_exact()
    assert list(AwardSummary.objects.exclude(province_id=cao_bang.pk).order_by("pk").values_list("pk", "n")) == other


@pytest.mark.slow  # a dump and a restore of the whole database: with the backup tests (tests/lib/test_backup.py)
@pytest.mark.engine
def test_backup_and_restore_keep_the_summary(tmp_path):
    from thidua.lib import backup

    path = tmp_path / "b.tar.gz"
    backup.create_backup(path)
    backup.restore_backup(path, force=True)
    assert_exact()
    # The triggers are back after the restore.
    cao_bang = province("04")
    staff = Person.objects.filter(organization__province=cao_bang).order_by("pk").first()
    services.record_decision(user("caobang"), authority=cao_bang, number="904/QĐ-UBND", signed_on=date(2024, 4, 2),
                             awards=[{"award_type": AwardType.objects.get(code="BK_TINH"), "year": 2023,
                                      "person": staff}])
    assert_exact()


def test_migration_0011_puts_back_the_current_sqlite_triggers(db):
    """A database made before 0011 has the old triggers (correct, but scanning the summary per award): the migration
    installs the current ones."""
    import importlib
    from types import SimpleNamespace

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's statement triggers did not change")

    def triggers():
        with connection.cursor() as c:
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'awards_summary_%'")
            return dict(c.fetchall())

    current = triggers()
    assert "awards_summary_award_insert" in current
    with connection.cursor() as c:
        c.execute("DROP TRIGGER awards_summary_award_insert")
        c.execute("CREATE TRIGGER awards_summary_award_insert AFTER INSERT ON awards_award BEGIN SELECT 1; END")
    assert triggers() != current
    migration = importlib.import_module("thidua.awards.migrations.0011_summary_triggers_by_key")
    migration.reinstall_on_sqlite(None, SimpleNamespace(connection=connection))
    assert triggers() == current
