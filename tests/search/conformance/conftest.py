"""Keep the conformance suite out of the normal test run.

It needs modelsearch's test app installed, which only
`config.settings.search_conformance` does; under any other settings the test
modules here are not collected at all.
"""

import os

CONFORMANCE_SETTINGS = "config.settings.search_conformance"

if os.environ.get("DJANGO_SETTINGS_MODULE") != CONFORMANCE_SETTINGS:
    collect_ignore_glob = ["test_*.py"]
