"""Settings of the Celery worker subprocess that tests/jobs start.

The test settings, plus: mail written to files the test reads, a broker and database the
test passes in the environment, and short broker timeouts so a message taken by a killed
worker comes back within seconds rather than hours.
"""

import os

from lab_site.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.jobs.mail_backend.ControlledFileBackend"
EMAIL_FILE_PATH = os.environ["JOBS_MAIL_DIR"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
