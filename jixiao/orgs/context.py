def work_context(request):
    work = getattr(request, "work", None)
    user = getattr(request, "user", None)
    if work is None or user is None or not user.is_authenticated:
        return {}
    return {"work": work}
