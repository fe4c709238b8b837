"""Import-framework columns for people and organisations (thidua.lib.imports): a personal ID, an organisation
within the user's editing scope."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from thidua.lib.imports import CellError, Column, cell_text, chunks
from thidua.lib.text import fold
from thidua.orgs.models import Organization
from thidua.orgs.validators import validate_citizen_id


class CitizenIdColumn(Column):
    """The 12-digit personal ID. A cell typed as a number lost its leading zero in Excel: it is padded back."""

    text_format = True

    @staticmethod
    def normalize(value: Any) -> str:
        text = cell_text(value).replace(" ", "").replace(".", "")
        if isinstance(value, float | int) and not isinstance(value, bool) and text.isdigit():
            text = text.zfill(12)
        return text

    def parse(self, value, ctx):
        text = self.normalize(value)
        try:
            validate_citizen_id(text)
        except ValidationError as exc:
            raise CellError(" ".join(exc.messages)) from None
        return text


class OrganizationColumn(Column):
    """An organisation within the user's editing scope. The dropdown lists "Tên [#id]" (unambiguous); a bare name
    is accepted when exactly one organisation of the scope bears it."""

    memoize = True

    list_name = "DonVi"
    LIST_LIMIT = 20_000
    ID_RE = re.compile(r"\[#(\d+)\]\s*$")

    def prepare(self, values, ctx):
        ids, names = set(), set()
        for v in values:
            text = cell_text(v)
            m = self.ID_RE.search(text)
            if m:
                ids.add(int(m.group(1)))
            else:
                names.add(fold(text))
        fields = ("pk", "name", "name_folded", "path", "valid_to", "successor__name")
        by_id, by_name = {}, {}
        for part in chunks(sorted(ids)):
            for row in Organization.objects.filter(pk__in=part).values(*fields):
                by_id[row["pk"]] = row
        for part in chunks(sorted(names)):
            for row in Organization.objects.filter(name_folded__in=part).values(*fields):
                by_name.setdefault(row["name_folded"], []).append(row)
        ctx.cache[self.key] = (by_id, by_name)

    def parse(self, value, ctx):
        by_id, by_name = ctx.cache[self.key]
        text = cell_text(value)
        m = self.ID_RE.search(text)
        if m:
            org = by_id.get(int(m.group(1)))
            name = text[:m.start()].strip()
            if org is None:
                raise CellError(f"Không tìm thấy đơn vị “{text}”.")
            if name and fold(name) != org["name_folded"]:
                raise CellError(f"Mã #{org['pk']} là đơn vị “{org['name']}”, không khớp tên “{name}”.")
        else:
            candidates = by_name.get(fold(text), [])
            if not candidates:
                raise CellError(f"Không tìm thấy đơn vị “{text}”; hãy chọn từ danh sách.")
            inside = [o for o in candidates if ctx.can_edit_path(o["path"])]
            if len(inside) > 1:
                raise CellError(f"Có {len(inside)} đơn vị tên “{text}”; hãy chọn từ danh sách (tên kèm mã #).")
            org = inside[0] if inside else candidates[0]
        if not ctx.can_edit_path(org["path"]):
            raise CellError(f"Đơn vị “{org['name']}” nằm ngoài phạm vi quản lý của bạn.")
        if org["valid_to"] and org["valid_to"] < ctx.today:
            after = f" (nay là “{org['successor__name']}”)" if org["successor__name"] else ""
            raise CellError(f"Đơn vị “{org['name']}” đã hết hiệu lực từ {org['valid_to']:%d/%m/%Y}{after}.")
        return org["pk"]

    def choices(self, ctx):
        qs = Organization.objects.visible_to(ctx.user).valid_on(ctx.today).order_by("path")
        rows = qs.values_list("pk", "name", "path")[: self.LIST_LIMIT]
        return [f"{name} [#{pk}]" for pk, name, path in rows if ctx.can_edit_path(path)]
