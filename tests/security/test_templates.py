"""No `{{ }}` inside an unquoted HTML attribute, anywhere in templates/.

Django escapes `<`, `>`, `&`, `'` and `"`, but not spaces, `=` or backticks: in an
unquoted attribute (`<a href={{ url }}>`) a value such as `x onmouseover=alert(1)`
adds an attribute of its own. A small tokenizer reads every tag of every template
and reports the attributes whose unquoted value holds a variable or an output tag.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

VAR = "\x01"  # stands for {{ ... }} and for template tags that print something
_COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
_NOTE = re.compile(r"{#.*?#}", re.S)
_VARIABLE = re.compile(r"{{.*?}}", re.S)
_TAG = re.compile(r"{%\s*(\w+).*?%}", re.S)
# Template tags that write text into the page; the others (if, for, block…) only steer it.
_OUTPUT_TAGS = {"url", "static", "translate", "trans", "blocktranslate", "blocktrans", "firstof", "cycle", "now",
                "csrf_token", "include", "lorem", "widthratio", "templatetag", "querystring"}  # fmt: skip
_HTML_TAG = re.compile(r"<([A-Za-z][\w:-]*)")


@dataclass(frozen=True)
class Finding:
    line: int
    tag: str
    attribute: str
    value: str


def _flatten(source: str) -> str:
    """The template with its template syntax replaced, keeping line numbers (newlines stay)."""

    def keep_lines(replacement):
        return lambda match: replacement + "\n" * match.group().count("\n")

    source = _COMMENT_BLOCK.sub(keep_lines(" "), source)
    source = _NOTE.sub(keep_lines(" "), source)
    source = _VARIABLE.sub(keep_lines(VAR), source)
    return _TAG.sub(lambda m: (VAR if m.group(1) in _OUTPUT_TAGS else " ") + "\n" * m.group().count("\n"), source)


def unquoted_variables(source: str) -> list[Finding]:
    """Every attribute of every HTML tag whose value is unquoted and holds template output."""
    text = _flatten(source)
    findings = []
    position = 0
    while match := _HTML_TAG.search(text, position):
        tag, i = match.group(1).lower(), match.end()
        while i < len(text) and text[i] != ">":
            if text[i].isspace() or text[i] == "/":
                i += 1
                continue
            start = i
            while i < len(text) and not text[i].isspace() and text[i] not in "=>/":
                i += 1
            name = text[start:i] or text[i]
            while i < len(text) and text[i].isspace():
                i += 1
            if i >= len(text) or text[i] != "=":
                i = max(i, start + 1)
                continue
            i += 1
            while i < len(text) and text[i].isspace():
                i += 1
            if i < len(text) and text[i] in "\"'":
                end = text.find(text[i], i + 1)
                i = len(text) if end == -1 else end + 1
                continue
            value_start = i
            while i < len(text) and not text[i].isspace() and text[i] != ">":
                i += 1
            value = text[value_start:i]
            if VAR in value:
                line = text.count("\n", 0, value_start) + 1
                findings.append(Finding(line, tag, name, source.splitlines()[line - 1].strip()))
        position = i
    return findings


def _templates():
    return sorted(path for path in TEMPLATES.rglob("*.html"))


class TestTokenizer:
    @pytest.mark.parametrize(
        "bad",
        [
            "<a href={{ url }}>x</a>",
            '<a class="x" href={{ url }}>x</a>',
            "<img src=/media/{{ path }} alt=''>",
            "<a\n  title=x{{ name|escape }}\n>y</a>",
            "<input value={{ form.value }} >",
            "<a href={% url 'blog:post_list' %}>x</a>",
            "<p data-id = {{ id }}>",
            "<div {% if a %}class=x{{ b }}{% endif %}>",
        ],
    )
    def test_finds_an_unquoted_variable(self, bad):
        assert unquoted_variables(bad), bad

    @pytest.mark.parametrize(
        "good",
        [
            '<a href="{{ url }}">{{ text }}</a>',
            "<a href='{{ url }}' class=link>x</a>",
            '<option value="{{ v }}"{% if s %} selected{% endif %}>{{ v }}</option>',
            "{# <a href={{ url }}> #}<p>ok</p>",
            "{% comment %}<a href={{ url }}>{% endcomment %}",
            "<p>{{ a }} = {{ b }}</p>",
            '<a href="{% url "blog:post_list" %}">x</a>',
            "<input type=checkbox checked>",
        ],
    )
    def test_leaves_quoted_values_and_text_alone(self, good):
        assert unquoted_variables(good) == []

    def test_reports_the_line(self):
        (finding,) = unquoted_variables('<p>\n<a class="x"\n   href={{ url }}>x</a>')
        assert (finding.line, finding.tag, finding.attribute) == (3, "a", "href")


class TestTemplates:
    def test_there_are_templates_to_check(self):
        assert len(_templates()) > 20

    @pytest.mark.parametrize("path", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
    def test_no_variable_in_an_unquoted_attribute(self, path):
        assert unquoted_variables(path.read_text()) == []
