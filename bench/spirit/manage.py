#!/usr/bin/env python
"""manage.py for the benchmark's Spirit project; run it with bench/.venv-spirit."""

import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spiritsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
