import pytest
from django.core.exceptions import ValidationError

from thidua.orgs.validators import validate_citizen_id


def test_valid_citizen_id():
    validate_citizen_id("004185012345", "female", 1985)  # Cao Bằng, 20th century female, 1985
    validate_citizen_id("001090123456", "male", 1990)


@pytest.mark.parametrize(
    "value, gender, year, code",
    [("12345", None, None, "citizen_id_format"), ("00418501234a", None, None, "citizen_id_format"),
     ("003185012345", None, None, "citizen_id_province"),  # 003 is no province code
     ("004085012345", "female", 1985, "citizen_id_mismatch"),  # sex digit says male
     ("004186012345", "female", 1985, "citizen_id_mismatch")],  # year digits say 1986
)
def test_invalid_citizen_id_names_the_problem(value, gender, year, code):
    with pytest.raises(ValidationError) as exc:
        validate_citizen_id(value, gender, year)
    assert exc.value.code == code
    assert value[:3] in str(exc.value) or "12 chữ số" in str(exc.value) or value in str(exc.value)


@pytest.mark.django_db
def test_demo_people_have_valid_ids():
    from thidua.orgs.models import Person

    for p in Person.objects.order_by("?")[:200]:
        p.full_clean(exclude=["organization"])
