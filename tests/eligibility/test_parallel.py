"""The parallel path (loader.evaluate_rendered): forked workers over contiguous id ranges give the same
results in the same order as one process; a worker that fails or dies is reported, never waited for."""

import os

import pytest

from thidua.eligibility import loader
from thidua.eligibility.engine import RuleBook
from thidua.orgs.models import Person


def fake_range(year, people, lo, hi, awards, authority):
    """Stands for the evaluation of an id range (no database in the forked workers of these tests)."""
    if lo == 666:
        raise ValueError("hỏng dữ liệu ở khoảng 666")
    if lo == 999:
        os._exit(3)
    for pk in range(lo, hi + 1):
        for award in awards or ["LDTT", "CSTDCS"]:
            yield (pk, award, year)


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(loader, "_evaluate_range", fake_range)
    monkeypatch.setattr(loader, "rulebook", lambda authority=None: RuleBook.builtin())

    def use(ranges):
        monkeypatch.setattr(loader, "_id_ranges", lambda people, workers, min_people: ranges)
    return use


def test_split_ids_in_contiguous_equal_ranges():
    ids = list(range(1, 101, 3))  # 34 ids
    ranges = loader.split_ids(ids, 3)
    assert ranges == [(1, 34), (37, 70), (73, 100)]
    covered = [i for lo, hi in ranges for i in ids if lo <= i <= hi]
    assert covered == ids
    assert loader.split_ids([5, 6, 7], 2) == [(5, 6), (7, 7)]


def test_workers_return_results_in_the_order_of_one_process(fake):
    fake([(1, 40), (41, 75), (76, 100)])
    got = list(loader.evaluate_rendered(2024, Person.objects.none(), awards=["LDTT"], render=lambda r: r[0] * 10))
    assert got == [pk * 10 for pk in range(1, 101)]
    fake([(1, 3), (4, 6)])  # results rendered as None are left out
    got = list(loader.evaluate_rendered(2024, Person.objects.none(), render=lambda r: r if r[0] % 2 else None))
    assert got == [(pk, award, 2024) for pk in (1, 3, 5) for award in ("LDTT", "CSTDCS")]


def test_a_failing_worker_is_reported_with_its_error(fake):
    fake([(1, 10), (666, 670)])
    with pytest.raises(RuntimeError, match="hỏng dữ liệu ở khoảng 666"):
        list(loader.evaluate_rendered(2024, Person.objects.none(), render=lambda r: r))


def test_a_worker_that_dies_is_reported_not_waited_for(fake, monkeypatch):
    monkeypatch.setattr(loader, "_POLL", 0.05)  # the parent sees the death sooner (two polls of a second otherwise)
    fake([(1, 10), (999, 1000)])
    with pytest.raises(RuntimeError, match="exit code 3"):
        list(loader.evaluate_rendered(2024, Person.objects.none(), render=lambda r: r))


def test_batches_larger_than_one_message(fake, monkeypatch):
    monkeypatch.setattr(loader, "_BATCH", 7)
    fake([(1, 5), (6, 50)])
    assert list(loader.evaluate_rendered(2024, Person.objects.none(), awards=["LDTT"], render=lambda r: r[0])) == \
        list(range(1, 51))


@pytest.mark.integration
@pytest.mark.django_db
def test_no_fork_inside_a_transaction_and_same_results():
    """Tests run inside a transaction (workers would not see its rows): one process does it all."""
    assert not loader.can_fork()
    # One province's people (Lai Châu, about 1,400): the whole scenario (13,771), evaluated three times, took ten
    # times as long for the same decision.
    people = Person.objects.filter(organization__province__admin_code="12")
    expected = [loader.compact(r) for r in loader.evaluate_database(2024, people, None)]
    assert expected
    assert loader.evaluate_people_parallel(2024, people, workers=2) == expected
    assert list(loader.evaluate_rendered(2024, people, None, workers=2, min_people=0)) == expected


def test_workers_setting(monkeypatch):
    monkeypatch.setenv("THIDUA_ELIGIBILITY_WORKERS", "1")
    assert loader.default_workers() == 1
    monkeypatch.setenv("THIDUA_ELIGIBILITY_WORKERS", "0")
    assert loader.default_workers() == 1
    monkeypatch.delenv("THIDUA_ELIGIBILITY_WORKERS")
    assert loader.default_workers() == len(os.sched_getaffinity(0))
