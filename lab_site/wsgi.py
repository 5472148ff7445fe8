import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab_site.settings.production")

application = get_wsgi_application()

# What has been loaded by now (Django, Wagtail, the apps, their settings) lives as long as
# the process. Freezing it keeps it out of the garbage collector's full collections, which
# otherwise walk every one of those objects and stall a request that happens to trigger
# one: a search at 10,000 pilots had a p95 of 104 ms with them and 42 ms without
# (bench/search.py).
gc.freeze()
