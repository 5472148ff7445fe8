"""A file-based mail backend the worker tests can hold or break from the outside.

In JOBS_MAIL_CONTROL_DIR: a file `hold` makes each send write `started` and wait (at most
60 s) until `hold` is removed, so a test can SIGKILL the worker mid-send; a file `fail`
makes each send raise an SMTP error, as a mail server that is down would.
"""

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ControlledFileBackend(FileBackend):
    def send_messages(self, email_messages):
        control = Path(os.environ["JOBS_MAIL_CONTROL_DIR"])
        if (control / "fail").exists():
            raise smtplib.SMTPServerDisconnected("the test mail server is down")
        if (control / "hold").exists():
            (control / "started").write_text(str(os.getpid()))
            deadline = time.monotonic() + 60
            while (control / "hold").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return super().send_messages(email_messages)
