"""The page "Căn cứ pháp lý": every award the rules cover, every version with its period, each condition with
its legal basis and confidence, and the deployment's overrides in force for the user's authorities. Generated
from the rule data (eligibility/data/rules.json and RuleOverride rows), so it always says what the engine applies."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from thidua.awards.models import AwardType
from thidua.eligibility.engine import RuleBook
from thidua.eligibility.history import ALIASES
from thidua.eligibility.models import RuleOverride
from thidua.orgs.models import Organization
from thidua.orgs.scope import scope_for

CONFIDENCE = {"confirmed": ("success", "Đã đối chiếu văn bản"), "paraphrased": ("secondary", "Diễn giải"),
              "unconfirmed": ("warning", "Chưa xác nhận")}
KIND_VI = {"individual": "Cá nhân", "collective": "Tập thể"}


def _period(rule: dict) -> str:
    start = rule.get("effective_from")
    end = rule.get("effective_to")
    fmt = "%d/%m/%Y"
    start_vi = date.fromisoformat(start).strftime(fmt) if start else "…"
    end_vi = date.fromisoformat(end).strftime(fmt) if end else _("nay")
    return f"{start_vi} – {end_vi}"


def _conditions(specs: list[dict], rule: dict) -> list[dict]:
    out = []
    for spec in specs:
        confidence = spec.get("confidence", rule.get("confidence", "confirmed"))
        colour, label = CONFIDENCE.get(confidence, CONFIDENCE["unconfirmed"])
        out.append({"id": spec.get("id", spec["kind"]), "label": spec.get("label_vi", spec["kind"]),
                    "basis": spec.get("basis", rule.get("basis", "")), "kind": spec["kind"],
                    "params": spec.get("params", {}), "confidence": confidence, "colour": colour,
                    "confidence_label": _(label), "note": spec.get("note", "")})
    return out


def _version(rule: dict, today: date) -> dict:
    colour, label = CONFIDENCE.get(rule.get("confidence", "confirmed"), CONFIDENCE["unconfirmed"])
    start = date.fromisoformat(rule["effective_from"]) if rule.get("effective_from") else date.min
    end = date.fromisoformat(rule["effective_to"]) if rule.get("effective_to") else date.max
    return {"id": rule["id"], "period": _period(rule), "basis": rule.get("basis", ""), "note": rule.get("note", ""),
            "confidence": rule.get("confidence", "confirmed"), "colour": colour, "confidence_label": _(label),
            "current": start <= today <= end, "conditions": _conditions(rule["conditions"], rule)}


def authorities_of(user) -> tuple[bool, list[Organization]]:
    """Whether the user sees every deployment rule (global roles), else its organisations and their ancestors:
    a province's criteria apply to its departments' proposals too."""
    scope = scope_for(user)
    if scope.is_global:
        return True, []
    ids: set[int] = set()
    for path in Organization.objects.filter(pk__in=scope.org_ids).values_list("path", flat=True):
        ids.update(int(part) for part in path.strip("/").split("/") if part)
    return False, list(Organization.objects.filter(pk__in=ids).order_by("path"))


def overrides_for(user):
    """Deployment rules (RuleOverride) in force for the user's authorities, or all for global roles."""
    everything, authorities = authorities_of(user)
    rows = RuleOverride.objects.filter(active=True).select_related("authority")
    if not everything:
        rows = rows.filter(Q(authority__isnull=True) | Q(authority__in=authorities))
    return rows.order_by("award_code", "subject_kind", "-effective_from")


@login_required
def basis(request):
    book = RuleBook.builtin()
    today = date.today()
    types = {t.code: t for t in AwardType.objects.filter(code__in=book.awards() + list(ALIASES))}
    awards = []
    for code in book.awards():
        t = types.get(code)
        kinds = []
        for kind in ("individual", "collective"):
            versions = book.versions(code, kind)
            if versions:
                kinds.append({"kind": kind, "kind_vi": _(KIND_VI[kind]),
                              "versions": [_version(r, today) for r in reversed(versions)]})
        aliases = [types[a].name if a in types else a for a, same in ALIASES.items() if same == code]
        awards.append({"code": code, "name": t.name if t else code, "legal_basis": t.legal_basis if t else "",
                       "aliases": aliases, "kinds": kinds})
    overrides = []
    for o in overrides_for(request.user):
        rule = o.as_rule()
        overrides.append({**_version(rule, today), "award": o.award_code, "kind_vi": _(KIND_VI.get(o.subject_kind, "")),
                          "authority": o.authority.name if o.authority_id else _("Toàn hệ thống")})
    general = _conditions(book.general, {})
    templates = [{**t, "kind_vi": _(KIND_VI.get(t["subject"], ""))} for t in book.templates]
    return render(request, "eligibility/basis.html", {
        "awards": awards, "general": general, "overrides": overrides, "templates": templates, "today": today,
        "everything": authorities_of(request.user)[0],
    })
