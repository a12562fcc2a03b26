"""Settings for the test suite: a throwaway data folder and a fixed, test-only secret."""

import os
import tempfile

os.environ.setdefault("ZEROCROP_SECRET_KEY", "test-only-secret-key-not-for-production-use-000000")
os.environ.setdefault("ZEROCROP_AUDIT_KEY", "test-only-audit-key-not-for-production-use-0000000")
# Always a fresh folder: `make test` exports the demo's ZEROCROP_DATA_DIR, and a test run must
# neither write into the demo's uploads nor verify against another database's audit checkpoints.
os.environ["ZEROCROP_DATA_DIR"] = tempfile.mkdtemp(prefix="zerocrop-test-")
os.environ.setdefault("ZEROCROP_JOBS_IMMEDIATE", "1")

from zerocrop.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Most tests log in with Client.login(), which carries no request for axes to inspect;
# tests/core/test_login_security.py turns axes back on to check the lockout itself.
AXES_ENABLED = False
# Tests run at the real date unless a test pins one, even when ZEROCROP_DEMO=1 is exported.
ZEROCROP_TODAY = os.environ.get("ZEROCROP_TODAY", "")
