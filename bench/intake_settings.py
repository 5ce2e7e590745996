"""Settings for bench/bench_complaint_intake.py only: the project's settings with a URLconf
that adds the one-row-insert baseline endpoint (never part of the product)."""

from louyu.settings import *  # noqa: F403

ROOT_URLCONF = "intake_urls"
