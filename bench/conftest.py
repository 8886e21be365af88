"""Keep pytest out of bench/: nothing here is a test, and nothing here is timed under pytest."""

collect_ignore_glob = ["*"]
