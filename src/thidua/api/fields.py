"""Request fields whose checks the OpenAPI schema can state, so a client that follows the schema is never refused.

DRF's stock fields accept more than the schema says (a number where a string is expected) or refuse what it
allows (NUL characters, more decimals than `decimal_places`, a non-existent id as 400). These keep the two equal.
"""

from __future__ import annotations

import decimal

from django.core.validators import RegexValidator
from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from thidua.orgs.models import Organization

# In the schema as `pattern`, so a generated string never carries the NUL that databases refuse. `+`, not `*`:
# for a field that may be blank the schema says oneOf(pattern, maxLength 0), and "" must match one branch only
# (DRF never runs validators on a blank value).
NO_NUL = RegexValidator(r"^[^\x00]+$", "Không được chứa ký tự NUL.")


class StrictCharField(serializers.CharField):
    """A string and only a string: DRF's CharField turns 0 or true into "0"/"True", which the schema forbids."""

    def __init__(self, **kwargs):
        kwargs["validators"] = [NO_NUL, *kwargs.get("validators", [])]
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# Required text has a character that is neither NUL nor white space. The white space is spelled out (what
# Python's str.strip() removes, which DRF trims) instead of `\s`, whose meaning differs between Python and the
# ECMA regexes a schema client uses: a value the schema allows is never trimmed to blank here.
NOT_BLANK = RegexValidator(
    r"^[^\x00]*[^\x00\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\x00]*$",
    "Không được để trống, chỉ có khoảng trắng hay chứa ký tự NUL.")


class Required(StrictCharField):
    """Required, not blank text, stated in the schema as a pattern. The schema shows the first regex validator,
    so NOT_BLANK (which also refuses NUL) goes first; set in __init__ because DRF rebuilds fields from it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_length", 1)
        super().__init__(**kwargs)
        self.validators = [NOT_BLANK, *self.validators]


class StrictBooleanField(serializers.BooleanField):
    """true or false, as the schema says; DRF's BooleanField also takes 0, 1, "yes"…"""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def Text(**kwargs) -> StrictCharField:  # noqa: N802 (a field factory, read like a field class)
    """Text that may be blank when `allow_blank`; otherwise `Required` (not blank, not only white space)."""
    return StrictCharField(**kwargs) if kwargs.get("allow_blank") else Required(**kwargs)


class NumberField(serializers.DecimalField):
    """A JSON number rounded (half up) to `decimal_places`, within a stated maximum.

    The schema cannot express "at most N digits"; it can express `maximum`, so the digit limit becomes one
    (a whole number, at most 10^15) and extra decimals are rounded rather than refused.
    """

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs):
        # A whole number a JSON double holds exactly (99999.99 or 1e17 - 0.001 would be read back rounded up).
        largest = decimal.Decimal(min(10 ** (max_digits - decimal_places) - 1, 10**15))
        kwargs["max_value"] = min(decimal.Decimal(str(kwargs.get("max_value", largest))), largest)
        kwargs["min_value"] = max(decimal.Decimal(str(kwargs.get("min_value", -largest))), -largest)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, coerce_to_string=False,
                         rounding=decimal.ROUND_HALF_UP, **kwargs)

    def validate_precision(self, value):
        # The range is checked on the value as sent, before rounding: what the schema refuses is refused
        # (99999.001 > 99999), and a huge exponent never reaches the rounding context.
        if value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        if value < self.min_value:  # -1e-9 would round to 0
            self.fail("min_value", min_value=self.min_value)
        return value

    def quantize(self, value):
        context = decimal.Context(prec=self.max_digits + 2)
        return value.quantize(decimal.Decimal(1).scaleb(-self.decimal_places), rounding=self.rounding,
                              context=context)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        return abs(value) if value.is_zero() else value  # -0.00 reads as 0


def Number(**kwargs) -> NumberField:  # noqa: N802
    return NumberField(**kwargs)


class RecordField(serializers.IntegerField):
    """A record by id (an organisation unless told); an id that does not exist answers 404, like one in the path."""

    def __init__(self, model=Organization, **kwargs):
        self.model = model
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)

    def run_validation(self, data=serializers.empty):
        pk = super().run_validation(data)  # the id's own checks (type, range) come first
        if pk is None:
            return None
        obj = self.model.objects.filter(pk=pk).first()
        if obj is None:
            raise NotFound(f"Không có {self.model._meta.verbose_name} #{pk}.")
        return obj


def Records(model=Organization, **kwargs) -> serializers.ListField:  # noqa: N802
    return serializers.ListField(child=RecordField(model), **kwargs)


class StrictModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose text columns take strings only, without NUL, as the schema states."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.CharField: StrictCharField, models.TextField: StrictCharField}


# Standard base64, not empty, padded: every string the pattern admits decodes.
BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"


class SourceDocumentInput(serializers.Serializer):
    """A file in a JSON body (a decision's scan, an exemplar's attachment, a consent): the services check its
    content as they check a page's upload."""

    name = Required(max_length=255, help_text="file name with its extension (.pdf, .png, .jpg…)")
    content = serializers.RegexField(BASE64, help_text="the file, base64-encoded; its content is checked like any "
                                                       "upload (type by signature, size limit)",
                                     error_messages={"invalid": "Không phải dữ liệu base64 hợp lệ."})

    def validate_content(self, value: str) -> bytes:
        import base64

        return base64.b64decode(value, validate=True)
