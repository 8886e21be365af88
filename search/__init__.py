"""Site search: the Whoosh backend for modelsearch/Wagtail lives in search.backends."""
