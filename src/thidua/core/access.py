"""Access scoping: every list, detail, choice, API view and export filters through here.

A user acts for organisations with roles (orgs.UserRole). The scope is:
- global (read) for superusers, the Central Board and auditors;
- otherwise the subtree of each organisation the user acts for, and for a
  province or ministry office also every organisation merged into it
  (its lineage), so a former province's records stay visible from its successor.
Cluster peers see each other's published cluster figures (ClusterYear.visible_to)
and, for emulation offices, the decided award records behind them (peer_ids).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

GLOBAL_ROLES = {"central_board", "auditor", "admin"}
OFFICE_ROLES = {"emulation_office", "council_member"}
EDIT_ROLES = {"emulation_office", "unit_officer"}
# Above this many unit ids a subquery is used instead of a literal IN list (SQLite's variable limit, plan size).
UNIT_IDS_MAX = 2000


@dataclass
class Scope:
    user_id: int | None
    is_global: bool = False
    org_ids: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    is_superuser: bool = False

    @cached_property
    def lineage_ids(self) -> set[int]:
        """The user's organisations and everything merged into them."""
        from thidua.orgs.models import Organization

        ids = set()
        for org in Organization.objects.filter(pk__in=self.org_ids):
            ids |= org.lineage_ids()
        return ids

    @cached_property
    def lineage_paths(self) -> list[str]:
        from thidua.orgs.models import Organization

        return list(Organization.objects.filter(pk__in=self.lineage_ids).values_list("path", flat=True))

    @cached_property
    def peer_ids(self) -> set[int]:
        """Provinces that share a cluster year with one of the user's organisations:
        their decided awards stand behind the cluster figures the user is shown."""
        from thidua.emulation.models import ClusterYear
        from thidua.orgs.models import Organization

        through = ClusterYear.members.through
        years = through.objects.filter(organization_id__in=self.lineage_ids).values("clusteryear_id")
        ids = set(through.objects.filter(clusteryear_id__in=years).values_list("organization_id", flat=True))
        ids |= set(Organization.objects.filter(successor_id__in=ids).values_list("pk", flat=True))
        return ids | self.lineage_ids

    def _path_q(self, prefix: str) -> Q:
        q = Q(pk__in=[])
        for path in self.lineage_paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def filter_organizations(self, qs: QuerySet) -> QuerySet:
        if self.is_global:
            return qs
        if self.user_id is None:
            return qs.none()
        return qs.filter(self._path_q(""))

    def can_edit(self, org) -> bool:
        """Write access to records of an organisation: administrators, or the emulation office /
        unit officer whose organisation (or what merged into it) contains it. Read-only roles
        (Central Board, auditor, council member) never write personal records."""
        if self.user_id is None:
            return False
        if self.is_superuser:
            return True
        if not self.roles & EDIT_ROLES:
            return False
        return any(org.path.startswith(p) for p in self.lineage_paths)

    def filter_by_unit(self, qs: QuerySet, field_name: str) -> QuerySet:
        """Rows that belong to an organisation (FK `field_name`) inside the scope."""
        if self.is_global:
            return qs
        if self.user_id is None:
            return qs.none()
        return qs.filter(self._path_q(f"{field_name}__"))

    @cached_property
    def units_outside_peers(self) -> list[int]:
        """Organisations of the user's subtrees whose province is not among `peer_ids` (an office of a department
        or commune: its province is not a cluster member). Usually empty for a province or ministry office."""
        from thidua.orgs.models import Organization

        return list(Organization.objects.filter(self._path_q("")).exclude(province_id__in=self.peer_ids)
                    .values_list("pk", flat=True)[:UNIT_IDS_MAX + 1])

    @cached_property
    def unit_ids(self) -> list[int]:
        """The organisations of the user's subtrees (at most UNIT_IDS_MAX + 1 of them)."""
        from thidua.orgs.models import Organization

        return list(Organization.objects.filter(self._path_q("")).values_list("pk", flat=True)[:UNIT_IDS_MAX + 1])

    def units_q(self, field_name: str = "unit") -> Q:
        """Rows whose unit is in the user's subtrees: the organisation index finds the units first, then the row
        table's unit index finds the rows (no join of every row to its unit). A literal id list while it is
        small (the planner estimates it exactly), a subquery beyond that."""
        from thidua.orgs.models import Organization

        if len(self.unit_ids) <= UNIT_IDS_MAX:
            return Q(**{f"{field_name}_id__in": self.unit_ids})
        return Q(**{f"{field_name}_id__in": Organization.objects.filter(self._path_q("")).values("pk")})

    def filter_by_province(self, qs: QuerySet, field_name: str = "province") -> QuerySet:
        """Cheaper variant for rows carrying a denormalised province FK (award records).

        An office sees its cluster peers' provinces and its own subtrees. A row's province is the top-level
        ancestor of its unit at the time (bulk_record_awards), so for units whose province is already a peer the
        subtree condition adds nothing: the filter is `province_id IN (peer ids)` (one index range per province,
        combined with the other filters) plus, only when there are any, the few units outside those provinces.
        """
        if self.is_global:
            return qs
        if self.user_id is None:
            return qs.none()
        if self.roles & OFFICE_ROLES:
            q = Q(**{f"{field_name}_id__in": sorted(self.peer_ids)})
            extra = self.units_outside_peers
            if len(extra) > UNIT_IDS_MAX:
                q |= self.units_q()
            elif extra:
                q |= Q(**{"unit_id__in": extra})
            return qs.filter(q)
        return qs.filter(self.units_q())


def scope_for(user) -> Scope:
    """The scope of a user, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return Scope(user_id=None)
    cached = getattr(user, "_thidua_scope", None)
    if cached is not None:
        return cached
    from thidua.orgs.models import UserRole

    rows = list(UserRole.objects.filter(user=user).values_list("organization_id", "role"))
    roles = {r for _, r in rows}
    scope = Scope(
        user_id=user.pk,
        is_global=user.is_superuser or bool(roles & GLOBAL_ROLES),
        org_ids={o for o, _ in rows},
        roles=roles,
        is_superuser=user.is_superuser,
    )
    user._thidua_scope = scope
    return scope
