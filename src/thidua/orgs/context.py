"""Template context shared by every page: the navigation and the user's roles."""

from thidua.orgs.models import UserRole
from thidua.orgs.scope import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = list(UserRole.objects.filter(user=user).select_related("organization"))
    return {"user_roles": roles, "user_scope": scope_for(user)}
