"""Access scoping: every list, detail, choice, API view and export filters through here.

A user acts for organisations with roles (orgs.UserRole). The scope is:
- global (read) for superusers, the Central Board and auditors;
- otherwise the subtree of each organisation the user acts for, and for a
  province or ministry office also every organisation merged into it
  (its lineage), so a former province's records stay visible from its successor.
Cluster peers see each other's published cluster figures (ClusterYear.visible_to)
and, for emulation offices, the decided award records behind them (peer_ids). Who is a peer is a rule of the
apps above (emulation: the members of a cluster year), registered with `register_peer_rule` in their
AppConfig.ready(): scoping sits with the organisations and imports nothing above them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

from thidua.orgs.models import Organization, UserRole

GLOBAL_ROLES = {"central_board", "auditor", "admin"}
OFFICE_ROLES = {"emulation_office", "council_member"}
EDIT_ROLES = {"emulation_office", "unit_officer"}
# Above this many unit ids a subquery is used instead of a literal IN list (SQLite's variable limit, plan size).
UNIT_IDS_MAX = 2000

# peer rule: the lineage ids of a user's organisations → ids of organisations sharing figures with them.
PEER_RULES: list[Callable[[set[int]], set[int]]] = []


def register_peer_rule(rule: Callable[[set[int]], set[int]]) -> Callable[[set[int]], set[int]]:
    if rule not in PEER_RULES:
        PEER_RULES.append(rule)
    return rule


@dataclass
class Scope:
    user_id: int | None
    is_global: bool = False
    org_ids: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    is_superuser: bool = False

    # The user's roles with their organisations (the menu shows them: orgs/context.py).
    user_roles: list[UserRole] = field(default_factory=list)
    # The tree paths of the user's organisations (read with the roles by scope_for; None: read when needed).
    org_paths: dict[int, str] | None = None

    @cached_property
    def _lineage(self) -> dict[int, str]:
        """id → path of the user's organisations and everything merged into them, transitively (as
        Organization.lineage_ids): one query per merge level, the paths read with the ids."""
        found = dict(self.org_paths) if self.org_paths is not None else dict(
            Organization.objects.filter(pk__in=self.org_ids).values_list("pk", "path"))
        frontier = set(found)
        while frontier:
            rows = [row for row in Organization.objects.filter(successor_id__in=frontier)
                    .values_list("pk", "path", "successor_id") if row[0] not in found]
            for pk, path, successor in rows:
                found[pk] = path
                self._merged.setdefault(successor, set()).add(pk)
            frontier = {pk for pk, _, _ in rows}
        return found

    @cached_property
    def _merged(self) -> dict[int, set[int]]:
        """successor id → ids of the organisations merged directly into it (filled by _lineage)."""
        return {}

    def lineage_of(self, org_id: int) -> set[int]:
        """Organization.lineage_ids of one of the user's organisations, without a query."""
        self._lineage  # noqa: B018 (fills _merged)
        ids, frontier = {org_id}, [org_id]
        while frontier:
            for pk in self._merged.get(frontier.pop(), ()):
                if pk not in ids:
                    ids.add(pk)
                    frontier.append(pk)
        return ids

    @cached_property
    def lineage_ids(self) -> set[int]:
        """The user's organisations and everything merged into them."""
        return set(self._lineage)

    @cached_property
    def lineage_paths(self) -> list[str]:
        return sorted(self._lineage.values())

    @cached_property
    def peer_ids(self) -> set[int]:
        """Provinces that share figures with one of the user's organisations by a registered peer rule (a cluster
        year, see emulation.apps): their decided awards stand behind the cluster figures the user is shown."""
        ids: set[int] = set()
        for rule in PEER_RULES:
            ids |= rule(self.lineage_ids)
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

    @property
    def may_edit(self) -> bool:
        """An editing role somewhere (or an administrator): what imports and write pages ask first."""
        return self.is_superuser or bool(self.roles & EDIT_ROLES)

    def can_edit_path(self, path: str) -> bool:
        """`can_edit` for an organisation known only by its tree path."""
        if self.user_id is None:
            return False
        if self.is_superuser:
            return True
        if not self.roles & EDIT_ROLES:
            return False
        return any(path.startswith(p) for p in self.lineage_paths)

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
        return list(Organization.objects.filter(self._path_q("")).exclude(province_id__in=self.peer_ids)
                    .values_list("pk", flat=True)[:UNIT_IDS_MAX + 1])

    @cached_property
    def unit_ids(self) -> list[int]:
        """The organisations of the user's subtrees (at most UNIT_IDS_MAX + 1 of them)."""
        return list(Organization.objects.filter(self._path_q("")).values_list("pk", flat=True)[:UNIT_IDS_MAX + 1])

    def units_q(self, field_name: str = "unit") -> Q:
        """Rows whose unit is in the user's subtrees: the organisation index finds the units first, then the row
        table's unit index finds the rows (no join of every row to its unit). A literal id list while it is
        small (the planner estimates it exactly), a subquery beyond that."""
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

    def provinces_only(self) -> list[int] | None:
        """The province ids when `filter_by_province` is exactly `province_id IN (them)` (an office whose
        subtrees lie within its cluster peers' provinces), else None: the API then pages such a selection
        province by province (thidua.lib.keyset, `by_value`)."""
        if self.is_global or self.user_id is None or not self.roles & OFFICE_ROLES or self.units_outside_peers:
            return None
        return sorted(self.peer_ids)


def scope_for(user) -> Scope:
    """The scope of a user, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return Scope(user_id=None)
    cached = getattr(user, "_thidua_scope", None)
    if cached is not None:
        return cached
    user_roles = list(UserRole.objects.filter(user=user).select_related("organization"))
    roles = {r.role for r in user_roles}
    scope = Scope(
        user_id=user.pk,
        is_global=user.is_superuser or bool(roles & GLOBAL_ROLES),
        org_ids={r.organization_id for r in user_roles},
        roles=roles,
        is_superuser=user.is_superuser,
        org_paths={r.organization_id: r.organization.path for r in user_roles},
        user_roles=user_roles,
    )
    user._thidua_scope = scope
    return scope


def acting_organization(user) -> Organization | None:
    """The organisation a user acts for when it is unambiguous (exactly one role organisation): the audit trail's
    default organisation (registered in OrgsConfig.ready). Read from the user's scope, which the action was
    authorised with (no query when the request has computed it: two fewer per audit row)."""
    orgs = {role.organization_id: role.organization for role in scope_for(user).user_roles}
    return next(iter(orgs.values())) if len(orgs) == 1 else None
