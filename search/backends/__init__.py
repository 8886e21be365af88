"""Search backends for modelsearch (named in WAGTAILSEARCH_BACKENDS by dotted path)."""
