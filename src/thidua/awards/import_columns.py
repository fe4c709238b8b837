"""Import-framework column for the award catalogue (thidua.lib.imports)."""

from __future__ import annotations

from collections.abc import Sequence

from thidua.awards.models import AwardType
from thidua.lib.imports import CellError, Column, cell_text
from thidua.lib.text import fold


class AwardTypeColumn(Column):
    """An award type of the catalogue, by code or by name (the dropdown shows "CODE — name")."""

    memoize = True

    list_name = "HinhThuc"

    def __init__(self, key, header, *, levels: Sequence[str] | None = None, for_individual: bool | None = None, **kw):
        super().__init__(key, header, **kw)
        self.levels, self.for_individual = levels, for_individual

    def _queryset(self):
        qs = AwardType.objects.all()
        if self.levels:
            qs = qs.filter(level__in=self.levels)
        if self.for_individual is not None:
            qs = qs.filter(for_individual=self.for_individual)
        return qs

    def prepare(self, values, ctx):
        catalogue = {}
        for code, name in self._queryset().values_list("code", "name"):
            for text in (code, name, f"{code} — {name}"):
                catalogue[fold(text)] = code
        ctx.cache[self.key] = catalogue

    def parse(self, value, ctx):
        text = cell_text(value)
        code = ctx.cache[self.key].get(fold(text))
        if code is None:
            raise CellError(f"Hình thức khen thưởng “{text}” không có trong danh mục (mã hoặc tên, ví dụ “BK_TINH”).")
        return code

    def choices(self, ctx):
        return [f"{code} — {name}" for code, name in self._queryset().order_by("-rank", "code").values_list("code", "name")]
