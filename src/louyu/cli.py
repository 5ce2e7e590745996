"""The ``louyu`` console command: Django's manage.py for the Louyu project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "louyu.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    argv[0] = "louyu"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
