import pytest

from tests.factories import UserFactory


@pytest.fixture
def blog_author(db):
    """The old blog's author, known here by the e-mail of the export's <wp:author>."""
    return UserFactory(email="auteur@example.org", display_name="Autrice", is_staff=True)


@pytest.fixture
def export(tmp_path):
    """Write a WXR text to a file and return its path."""

    def write(text: str, name: str = "export.xml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
