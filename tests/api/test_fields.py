"""The request fields keep the server's checks equal to what the OpenAPI schema states."""

from decimal import Decimal

import pytest
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from thidua.api.fields import Number, RecordField, Text
from thidua.orgs.models import Organization, OrganizationKind


def bound(field):
    field.bind("x", None)
    return field


def refused(field, value) -> str:
    with pytest.raises(serializers.ValidationError) as exc:
        field.run_validation(value)
    return str(exc.value.detail)


def test_number_rounds_decimals_half_up_and_never_keeps_a_negative_zero():
    points = bound(Number(max_digits=7, decimal_places=2, min_value=0))
    assert points.run_validation(47237.110286176925) == Decimal("47237.11")
    assert points.run_validation("1.005") == Decimal("1.01")
    assert points.run_validation(5e-324) == Decimal("0.00")
    assert str(points.run_validation(-0.0)) == "0.00"


def test_number_range_is_checked_on_the_value_sent_before_rounding():
    points = bound(Number(max_digits=7, decimal_places=2, min_value=0))
    assert points.max_value == Decimal(99999)  # a whole number a JSON double holds exactly
    assert points.run_validation(99999) == Decimal("99999.00")
    assert "99999" in refused(points, 99999.001)  # above the schema's maximum although it rounds to it
    assert "0" in refused(points, -1e-9)  # below the minimum although it rounds to 0
    assert "99999" in refused(points, 1e300)  # no overflow in the rounding context
    assert refused(points, True)  # a boolean is not a number
    big = bound(Number(max_digits=20, decimal_places=3))
    assert big.max_value == Decimal(10**15) and big.min_value == Decimal(-(10**15))
    assert refused(big, -1e300)


def test_text_takes_strings_only_without_nul_and_not_blank_unless_allowed():
    name = bound(Text(max_length=10))
    assert name.run_validation("Cao Bằng") == "Cao Bằng"
    assert refused(name, 0) and refused(name, True)
    assert "NUL" in refused(name, "a\x00b")
    assert refused(name, "") and refused(name, " \u00a0\t")  # only white space is blank too
    assert bound(Text(max_length=10, allow_blank=True)).run_validation("") == ""


@pytest.mark.django_db
def test_record_field_answers_404_for_an_unknown_id_and_400_for_a_bad_one():
    org = Organization.objects.create(name="Tỉnh Thử", kind=OrganizationKind.PROVINCE)
    field = bound(RecordField())
    assert field.run_validation(org.pk) == org
    with pytest.raises(NotFound):
        field.run_validation(org.pk + 10_000)
    assert refused(field, 0)  # below the schema's minimum: a bad request, not a missing record
    assert refused(field, "abc")


def test_booleans_are_true_or_false_only():
    from thidua.api.fields import StrictBooleanField

    flag = bound(StrictBooleanField())
    assert flag.run_validation(True) is True and flag.run_validation(False) is False
    for value in (0, 1, "true", "yes", None):
        assert refused(flag, value)
