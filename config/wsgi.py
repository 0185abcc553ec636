import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Each server process keeps its own copy of the hub switchboards for the outage page:
# loaded now, refreshed while the database is up (see config.outage).
from config import outage  # noqa: E402

outage.keep_refreshing()
