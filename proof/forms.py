"""Submit a form as a browser would: the fields the page shows, with their values, some of them changed."""

from html.parser import HTMLParser


class _FormFieldsParser(HTMLParser):
    """Each form of a page as the list of (name, value) a browser would send for it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.inside = False
        self.textarea: list[str] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = True
            self.forms.append([])
            return
        if not self.inside:
            return
        fields = self.forms[-1]
        if tag == "input" and "name" in attrs:
            fields.extend(_input_field(attrs))
        elif tag == "textarea" and "name" in attrs:
            self.textarea = [attrs["name"], ""]
        elif tag == "select" and "name" in attrs:
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.forms[-1].append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def _input_field(attrs: dict) -> list[tuple[str, str]]:
    """The (name, value) an <input> sends, if it sends one: not a button or a file, a box only when checked."""
    kind = attrs.get("type", "text")
    if kind in {"submit", "button", "image", "file", "reset"}:
        return []
    if kind in {"checkbox", "radio"} and "checked" not in attrs:
        return []
    return [(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))]


def form_data(html: str, **changes) -> dict:
    """What the page's form holding every field named in `changes` would send, with `changes` applied."""
    parser = _FormFieldsParser()
    parser.feed(html)
    for fields in parser.forms:
        names = {name for name, _ in fields}
        if set(changes) <= names:
            data: dict = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            data = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
            data.update(changes)
            return data
    raise AssertionError(f"No form with the fields {sorted(changes)} in the page.")
