from . import navigation


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu_groups": navigation.menu_for(user)}
