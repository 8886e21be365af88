"""One module per family of identifiers; each exposes ``find(doc) -> Iterator[Finding]``."""
