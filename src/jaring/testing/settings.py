"""Settings for the test suite: the app's settings with tasks run inline and fast password hashing."""

from jaring.settings import *  # noqa: F403

# Tests run background jobs inline so a request sees its job's result; the demo uses the database queue.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A fixed key, as an operator would set JARING_SECRET_KEY (the refusal without one is tested in a subprocess).
SECRET_KEY = "test-only-key-not-for-serving-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
JARING_KEY_ORIGIN = "env"
