"""The cluster-year figures, computed from the stored records, against the published ones."""

from decimal import Decimal

import pytest

from thidua.awards.models import Award, AwardLevel, Decision, RecipientClass, Revocation
from thidua.emulation.models import Target
from thidua.emulation.statistics import cluster_year_summary
from thidua.lib.numbers import format_number, format_percent

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def by_code(summary):
    return {s.indicator.code: s for s in summary.indicators}


def test_indicators_match_the_published_figures(cluster_year_2018):
    ind = by_code(cluster_year_summary(cluster_year_2018))
    shown = {code: (format_number(s.actual, s.indicator.value_decimals),
                    format_percent(s.percent_of_plan, s.indicator.percent_decimals)) for code, s in ind.items()
             if s.percent_of_plan is not None}
    assert shown == {
        "THU_NSNN": ("26.174", "104,3%"),
        "VIEC_LAM": ("99.555", "108,1%"),
        "XA_Y_TE": ("59", "118%"),
        "TRUONG_CHUAN": ("165", "121%"),
    }
    ntm = ind["XA_NTM"]
    assert (ntm.actual, ntm.cumulative, format_percent(ntm.share_of_base, 1)) == (66, 219, "19,1%")
    poverty = ind["GIAM_NGHEO"]
    assert (poverty.members_met, len(poverty.members)) == (7, 7)


def test_commendations_match_the_published_figures(cluster_year_2018):
    s = cluster_year_summary(cluster_year_2018)
    assert (s.state_awards.collectives, s.state_awards.individuals, s.state_awards.priority) == (180, 567, 392)
    assert format_percent(s.state_awards.priority_share, 2) == "52,48%"
    assert (s.provincial_awards.collectives, s.provincial_awards.individuals, s.provincial_awards.priority) == (7521, 11976, 9770)
    assert format_percent(s.provincial_awards.priority_share, 2) == "50,11%"
    assert s.state_awards.total + s.provincial_awards.total == 20244


def test_outcomes_of_the_conference(cluster_year_2018):
    s = cluster_year_summary(cluster_year_2018)
    assert (s.exemplars_honoured_nationally, s.exemplars_honoured_at_review) == (42, 14)
    assert [(p.award_type.code, p.organization.name) for p in s.proposals] == [
        ("CO_CP", "Cao Bằng"), ("BK_TTG", "Lai Châu"), ("BK_TTG", "Lào Cai")]
    assert (s.next_year.chair.name, s.next_year.deputy.name, s.pact_signatures) == ("Lai Châu", "Sơn La", 7)
    assert (s.handover.from_org.name, s.handover.to_org.name) == ("Cao Bằng", "Lai Châu")


def test_figures_follow_the_records(cluster_year_2018):
    """Nothing is typed in: changing records changes the figures."""
    before = cluster_year_summary(cluster_year_2018)
    award = Award.objects.filter(award_type__level=AwardLevel.STATE, recipient_class=RecipientClass.DIRECT_WORKER,
                                 decision__signed_on__year=2018).first()
    Revocation.objects.create(award=award, decision=Decision.objects.filter(authority=award.decision.authority).last(),
                              reason="test")
    target = Target.objects.get(indicator__cluster_year=cluster_year_2018, indicator__code="THU_NSNN",
                                member__admin_code="04")
    target.actual += 100
    target.save()
    after = cluster_year_summary(cluster_year_2018)
    assert after.state_awards.priority == before.state_awards.priority - 1
    assert after.state_awards.total == before.state_awards.total - 1
    assert by_code(after)["THU_NSNN"].actual == by_code(before)["THU_NSNN"].actual + 100
    assert by_code(after)["THU_NSNN"].percent_of_plan > by_code(before)["THU_NSNN"].percent_of_plan


def test_missing_report_shows_as_not_reported(cluster_year_2018):
    Target.objects.filter(indicator__cluster_year=cluster_year_2018, indicator__code="VIEC_LAM",
                          member__admin_code="12").update(actual=None)
    s = by_code(cluster_year_summary(cluster_year_2018))["VIEC_LAM"]
    assert s.members_reported == 6
    lai_chau = next(m for m in s.members if m.member.admin_code == "12")
    assert lai_chau.percent_of_plan is None


def test_per_province_targets_add_up(cluster_year_2018):
    for s in cluster_year_summary(cluster_year_2018).indicators:
        assert s.actual == sum((m.actual for m in s.members), Decimal(0))
