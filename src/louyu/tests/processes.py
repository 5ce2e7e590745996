"""Helpers for tests that run ``louyu`` commands as child processes."""

import os
from pathlib import Path

import louyu

SRC = Path(louyu.__file__).resolve().parents[1]


def louyu_process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``louyu`` child process running this checkout's code."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LOUYU_") and key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="louyu.settings",
        LOUYU_VAR_DIR=str(tmp_path / "var"),
        LOUYU_STATIC_ROOT=str(tmp_path / "static"),
        **extra,
    )
    return env


def postgres_url(settings_dict: dict, name: str | None = None) -> str:
    """The DATABASE_URL of database ``name`` (default: the settings' own) on that server."""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    name = name or settings_dict["NAME"]
    return f"postgres://{settings_dict['USER']}{password}@{host}:{port}/{name}"
