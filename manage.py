#!/usr/bin/env python
"""Django's command-line utility for the shop."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    from django.core.management import execute_from_command_line

    from shop.core.telemetry import configure_opentelemetry

    configure_opentelemetry()  # before runserver builds its handler (pattern 05)

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
