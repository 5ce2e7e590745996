"""Settings for the test suite: the project settings with in-process tasks and a fast hasher.
The database still comes from DATABASE_URL, so the same suite runs on SQLite and PostgreSQL."""

import os

os.environ.setdefault("LOUYU_TASK_BACKEND", "immediate")

from louyu.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOUYU_SMS_BACKEND = "louyu.core.sms.LocmemSmsBackend"
# A queue of its own, so tests never feed a running development worker.
RQ_QUEUES = {**RQ_QUEUES, "louyu-test": {"URL": REDIS_URL}}  # noqa: F405
# Rate-limit counters and used form tokens in this process only; conftest clears the cache
# before every test, so no test inherits another's counts.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite runs as the owner of the tables and empties them between transactional tests
# (TRUNCATE): the audit table lets its owner do that only with this setting on (core 0006).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c louyu.allow_audit_truncate=on"
    )
