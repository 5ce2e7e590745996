import pytest


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tests run background tasks in-process unless a test opts into another backend."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    from django_tasks import task_backends

    task_backends._settings = task_backends.settings = None  # re-read TASKS
    for alias in list(getattr(task_backends._connections, "__dict__", {})):
        delattr(task_backends._connections, alias)
    yield
