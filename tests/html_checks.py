"""Inspect rendered HTML the way a browser would, for tests about unsafe markup."""

from html.parser import HTMLParser

DANGEROUS_TAGS = {
    "script",
    "img",
    "svg",
    "iframe",
    "object",
    "embed",
    "style",
    "form",
    "math",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.found.append(f"{tag}[{name}={value}]")


def executable_markup(html: str) -> list[str]:
    """Elements or attributes in `html` that could run script or load remote content."""
    collector = _Collector()
    collector.feed(html)
    return collector.found
