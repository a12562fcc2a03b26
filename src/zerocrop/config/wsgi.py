import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zerocrop.config.settings")
application = get_wsgi_application()

# Everything loaded so far lives as long as the process: keep the garbage collector from
# walking it on every full collection (~100 ms on large map answers, see bench/README.md).
gc.freeze()
