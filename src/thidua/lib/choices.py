"""Faster `get_FOO_display()` for models shown row by row on busy pages (the registry: 50 rows × 2 fields).

Django's Model._get_FIELD_display rebuilds a dict of the field's choices on every call, hashing every label: a
lazy (translated) label is translated each time, so one call cost as many translations as the field has choices.
ChoicesDisplay builds that dict once per field and translates only the label it returns (in the active language,
as before). Fields with callable choices keep Django's behaviour (their choices may change)."""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoicesDisplay:
    """Mix into a model class before models.Model: its get_FOO_display methods use the cached choices."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        choices = field.__dict__.get("_thidua_choices_dict")
        if choices is None:
            if not isinstance(field.choices, (list, tuple)):  # callable choices: read them each time
                return super()._get_FIELD_display(field)
            choices = field._thidua_choices_dict = dict(make_hashable(field.flatchoices))
        return force_str(choices.get(make_hashable(value), value), strings_only=True)
