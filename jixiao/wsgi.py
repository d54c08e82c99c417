import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from jixiao.core.collector import settle_preloaded_app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
application = get_wsgi_application()

# The URLs and every view module they import, loaded here, in gunicorn's master (`jixiao serve`
# preloads the app), instead of by each worker at its first request: about half a CPU-second a
# worker, paid again by each worker recycled during a deadline peak. No database is touched.
# Their reverse lookup too (every signed-in request reverses the account's open pages once a
# process, `orgs.middleware`): the URLs' patterns compiled and indexed, 25-70 ms a worker.
get_resolver().url_patterns  # noqa: B018 - the cached property loads them
get_resolver().reverse_dict  # noqa: B018 - and this one indexes them (the default language)
settle_preloaded_app()
