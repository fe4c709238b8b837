"""The synthetic data generator (`thidua generate`, thidua.demo.generator).

The session database already holds the reference scenario (7 northern provinces); these tests
generate a small dataset under Hà Nội (01), which the scenario does not use.
"""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import ExtractYear

from tests.held_data import held_open
from thidua.awards import summary
from thidua.awards.models import Award, Decision, Evaluation, Initiative, Membership, Rating
from thidua.demo import generator
from thidua.demo.generator import ProgressBar, dataset_digest, generate
from thidua.orgs.models import Organization, OrganizationKind, Person
from thidua.orgs.validators import validate_citizen_id

CODE = "01"
PEOPLE, YEARS = 200, 5


def _province():
    return Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code=CODE, valid_from__isnull=True)


def _generate_and_roll_back(seed):
    with transaction.atomic():
        counts = generate(PEOPLE, YEARS, seed, province_code=CODE)
        digest = dataset_digest(CODE)
        transaction.set_rollback(True)
    return counts, digest


@pytest.fixture(scope="module")
def seed_11(django_db_setup, django_db_blocker):
    """One generation with seed 11 and the default batches, rolled back: the run both tests below compare with."""
    with django_db_blocker.unblock():
        return _generate_and_roll_back(11)


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):
    """The province generated once for the read-only tests of TestGeneratedProvince (tests/held_data.py); its
    rows are rolled back after the class, before the tests that generate into the same province again."""
    with held_open(django_db_blocker, lambda: (generate(PEOPLE, YEARS, seed=7, province_code=CODE), _province())) \
            as value:
        yield value


def test_same_seed_same_rows(db, seed_11):
    counts1, digest1 = seed_11
    counts2, digest2 = _generate_and_roll_back(11)
    _, digest3 = _generate_and_roll_back(12)
    assert counts1 == counts2
    assert digest1 == digest2
    assert digest3 != digest1


def test_batch_size_does_not_change_the_rows(db, monkeypatch, seed_11):
    """Writing in many small batches (mid-year flushes) gives the same rows as one batch."""
    _, digest = seed_11
    monkeypatch.setattr(generator, "FLUSH_ROWS", 50)
    monkeypatch.setattr(generator, "FLUSH_CHECK_EVERY", 7)
    counts, small_batches = _generate_and_roll_back(11)
    assert small_batches == digest
    assert counts["awards_award"] > 0


@pytest.mark.django_db
class TestGeneratedProvince:
    """Read-only checks of one generated province (the `generated` fixture, built once for the class)."""

    def test_counts_are_rows_in_the_database(self, generated):
        counts, prov = generated
        assert counts["orgs_person"] == PEOPLE == Person.objects.filter(organization__province=prov).count()
        assert counts["awards_award"] == Award.objects.filter(province=prov).count()
        assert counts["awards_membership"] == Membership.objects.filter(person__organization__province=prov).count()


    def test_distributions(self, generated):
        _, prov = generated
        ratings = Counter(Evaluation.objects.filter(person__organization__province=prov).values_list("rating", flat=True))
        person_years = sum(ratings.values())
        assert PEOPLE * YEARS * 0.8 <= person_years <= PEOPLE * YEARS  # a few join late or leave
        assert 0.08 <= ratings[Rating.HTXS] / person_years <= 0.25
        assert 0.45 <= ratings[Rating.HTT] / person_years <= 0.75
        assert ratings[Rating.KHT] / person_years <= 0.12
        by_type = Counter(Award.objects.filter(province=prov).values_list("award_type__code", flat=True))
        assert 0.55 <= by_type["LDTT"] / person_years <= 0.80
        assert 0.05 <= by_type["CSTDCS"] / by_type["LDTT"] <= 0.25
        assert by_type["TTLDTT"] > 0 and by_type["BK_TINH"] > 0
        # LĐTT only for people rated HTT or better that year
        ldtt = Award.objects.filter(province=prov, award_type__code="LDTT")
        low = Evaluation.objects.filter(person__organization__province=prov, rating__in=[Rating.HT, Rating.KHT])
        pairs = set(low.values_list("person_id", "year"))
        assert not [a for a in ldtt.values_list("recipient_person_id", "year") if a in pairs]
        # recipient classes: about 60% direct workers among individual awards
        classes = Counter(Award.objects.filter(province=prov, recipient_person__isnull=False)
                          .values_list("recipient_class", flat=True))
        assert 0.45 <= classes["direct_worker"] / sum(classes.values()) <= 0.75


    def test_every_award_has_an_illustrative_decision_and_the_province(self, generated):
        _, prov = generated
        awards = Award.objects.filter(unit__province=prov)
        assert awards.exists()
        assert not awards.exclude(province=prov).exists()
        assert not awards.filter(decision__is_illustrative=False).exists()
        # grassroots titles are decided inside the province's tree, provincial ones by the province,
        # the Prime Minister's certificate by the government
        assert not awards.filter(award_type__level="grassroots").exclude(decision__authority__province=prov).exists()
        assert not awards.filter(award_type__level="provincial").exclude(decision__authority=prov).exists()
        assert not awards.filter(award_type__level="state").exclude(decision__authority__kind=OrganizationKind.STATE).exists()
        # decision numbers unique per authority (also a database constraint)
        assert not Decision.objects.values("authority", "number").annotate(n=Count("pk")).filter(n__gt=1).exists()
        assert Decision.objects.filter(authority__province=prov, is_illustrative=True).count() > 0
        # The copies the registry sorts and filters by, written by the COPY itself (the load runs without triggers).
        assert not awards.exclude(award_type_rank=F("award_type__rank")).exists()
        assert not awards.exclude(decision_year=ExtractYear("decision__signed_on")).exists()
        assert awards.values("decision_year").distinct().count() > 1


    def test_citizen_ids_are_valid_and_unique(self, generated):
        _, prov = generated
        people = Person.objects.filter(organization__province=prov)
        for cid, gender, birth_year in people.values_list("citizen_id", "gender", "birth_year"):
            validate_citizen_id(cid, gender, birth_year)
        assert people.values("citizen_id").distinct().count() == PEOPLE
        assert not people.exclude(name_folded="").filter(name_folded__regex=r"[À-ỹđĐ]").exists()


    def test_initiatives_serve_one_award_each(self, generated):
        _, prov = generated
        initiatives = Initiative.objects.filter(person__organization__province=prov)
        used = initiatives.filter(used_for__isnull=False)
        assert initiatives.exists() and used.exists()
        ids = list(used.values_list("used_for_id", flat=True))
        assert len(ids) == len(set(ids))
        for person_id, year, award_person, award_year, code in used.values_list(
                "person_id", "year", "used_for__recipient_person_id", "used_for__year", "used_for__award_type__code"):
            assert person_id == award_person and year <= award_year and code in ("CSTDCS", "CSTD_TINH")
        assert set(initiatives.values_list("scope", flat=True)) >= {"grassroots", "provincial"}


    def test_collectives_have_members_ratings_and_titles(self, generated):
        _, prov = generated
        small = Organization.objects.filter(province=prov, is_small_collective=True)
        assert small.exists()
        # every person is a member, each year rated, of their small collective and of its unit
        person_years = Evaluation.objects.filter(person__organization__province=prov).count()
        members = Membership.objects.filter(organization__province=prov)
        assert members.count() == 2 * person_years
        assert members.filter(organization__in=small).count() == person_years
        # every collective rated in a year has members that year, and vice versa
        rated = set(Evaluation.objects.filter(organization__province=prov).values_list("organization_id", "year"))
        with_members = set(members.values_list("organization_id", "year").distinct())
        assert rated == with_members
        titles = Award.objects.filter(province=prov, recipient_org__isnull=False)
        assert set(titles.values_list("recipient_class", flat=True)) <= {"collective", "small_collective"}
        assert titles.filter(award_type__code="TTLDTT").exists()


def test_progress_callback_and_bar():
    bar = ProgressBar(io.StringIO(), label="gen")
    bar(50, 100)
    bar.finish()
    text = bar.stream.getvalue()
    assert "gen" in text and "100%" in text and "rows/s" in text


def test_progress_is_reported(db):
    seen = []
    with transaction.atomic():
        generate(30, 2, seed=3, province_code=CODE, progress=lambda done, total: seen.append((done, total)))
        transaction.set_rollback(True)
    assert seen and seen[-1][0] > 0 and all(done <= total for done, total in seen)


def test_command_prints_the_summary(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate", "--people", "40", "--years", "2", "--seed", "5", "--province", CODE,
                 "--start-year", "2020", stdout=out, stderr=err)
    text = out.getvalue()
    assert "people: 40" in text
    for table in ("awards_award", "awards_evaluation", "awards_membership", "orgs_person"):
        assert table in text
    assert "total rows:" in text and "seconds:" in text and "rows/s:" in text
    assert "100%" in err.getvalue()
    assert set(Evaluation.objects.filter(person__organization__province=_province()).values_list("year", flat=True)) \
        == {2020, 2021}


def test_command_rejects_an_unknown_province(db):
    with pytest.raises(CommandError):
        call_command("generate", "--people", "5", "--years", "1", "--province", "99", "--no-progress",
                     stdout=io.StringIO())


def _sqlite_triggers() -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return c.fetchall()


def test_sqlite_load_puts_back_the_triggers_it_set_aside(db, monkeypatch):
    """On SQLite the generator drops the loaded tables' triggers for the load (they made each row ~25 times
    slower) and creates them again in the same transaction: afterwards the same triggers exist, the award summary
    agrees with the records and the copies the triggers would have written are right; a load that fails puts
    them back too, since the rollback undoes the drop."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL skips its row triggers by session_replication_role")
    before = _sqlite_triggers()
    assert {"awards_award_sort_keys_insert", "eligibility_stale_awards_membership_insert",
            "awards_summary_award_insert"} <= {name for name, _ in before}
    seen_during = []
    flush = generator._Writer.flush

    def spy(self, tables=None):
        seen_during.append(len(_sqlite_triggers()))
        flush(self, tables)

    monkeypatch.setattr(generator._Writer, "flush", spy)
    generate(30, 2, seed=3, province_code=CODE)
    assert seen_during and max(seen_during) < len(before)
    assert _sqlite_triggers() == before
    assert summary.differences() == []

    def fails(self, y, *args):
        raise RuntimeError("the load fails half-way")

    monkeypatch.setattr(generator._Generator, "_collectives", fails)
    with pytest.raises(RuntimeError):
        generate(30, 2, seed=4, province_code=CODE)
    assert _sqlite_triggers() == before


def test_postgresql_load_without_row_triggers_still_checks_foreign_keys(db, monkeypatch):
    """On PostgreSQL, when the role may skip the per-row foreign-key triggers, the generator checks
    every foreign key of the new rows itself: a dangling key fails the whole generation."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks foreign keys at commit")
    original = generator._Generator._collectives

    def with_a_dangling_member(self, y, *args):
        original(self, y, *args)
        self.T_member.rows.append((self.T_member.new_id(), 10**15, self.c_id[0], y))

    monkeypatch.setattr(generator._Generator, "_collectives", with_a_dangling_member)
    skipped = []
    check = generator._Writer.check_foreign_keys

    def spy(self):
        skipped.append(getattr(self, "triggers_skipped", False))
        check(self)

    monkeypatch.setattr(generator._Writer, "check_foreign_keys", spy)
    try:
        with transaction.atomic():
            generate(20, 1, seed=1, province_code=CODE)
            transaction.set_rollback(True)
    except RuntimeError as exc:
        assert "awards_membership.person_id" in str(exc)
    else:
        assert skipped == [False], "triggers were skipped but the dangling key was not found"
        pytest.skip("this role cannot skip row triggers; PostgreSQL checks at commit")
    with connection.cursor() as c:  # the normal role is back once the generation is rolled back
        c.execute("SHOW session_replication_role")
        assert c.fetchone()[0] == "origin"


@pytest.mark.integration
def test_the_scenario_province_keeps_one_department_of_each_name_and_takes_a_second_run(db):
    """Cao Bằng (04) holds the scenario's departments and units and a generated population: the generator reused
    the scenario's organisations by name (one "Sở Nội vụ tỉnh Cao Bằng"), and a second run into the same province
    gives its people new collectives without repeating a decision number or a collective's yearly rating."""
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_from__isnull=True)

    def repeated_names():
        return (Organization.objects.filter(path__startswith=cao_bang.path).exclude(parent=None)
                .values("parent_id", "name").annotate(n=Count("id")).filter(n__gt=1).count())

    assert Organization.objects.filter(parent=cao_bang, name="Sở Nội vụ tỉnh Cao Bằng").count() == 1
    assert repeated_names() == 0
    with transaction.atomic():
        counts = generate(PEOPLE, 3, seed=5, province_code="04")
        assert counts["awards_award"] > 0
        assert Organization.objects.filter(parent=cao_bang, name="Sở Nội vụ tỉnh Cao Bằng").count() == 1
        transaction.set_rollback(True)
