"""The registry of policy documents (制度文件). Placeholder views: being built."""

from django.http import Http404


def policy_list(request):
    raise Http404


policy_edit = policy_detail = policy_repeal = policy_list
