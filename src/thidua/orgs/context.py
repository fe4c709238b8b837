"""Template context shared by every page: the navigation and the user's roles."""

from thidua.orgs.scope import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)  # read with the roles: one query for both, usually made by the view already
    return {"user_roles": scope.user_roles, "user_scope": scope}
