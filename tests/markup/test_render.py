import pytest

from markup.render import WORDS_PER_MINUTE, read_comment, reading_minutes, render_comment, render_post
from tests.factories import PostFactory


class TestCommentSanitizer:
    @pytest.mark.parametrize(
        "text",
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            '<a href="#" onclick="alert(1)">clic</a>',
            "<svg onload=alert(1)>",
            '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        ],
    )
    def test_raw_html_is_shown_as_text_never_as_markup(self, text):
        html = render_comment(text)
        assert "<script" not in html
        assert "<img" not in html
        assert "<svg" not in html
        assert "<iframe" not in html
        assert " onerror=" not in html.replace("&lt;", "<").split("<p>")[0]
        assert "&lt;" in html

    @pytest.mark.parametrize(
        "text",
        [
            "[clic](javascript:alert(1))",
            "[clic](JaVaScRiPt:alert(1))",
            "[clic](&#106;avascript:alert(1))",
            "[clic](vbscript:msgbox(1))",
            "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<javascript:alert(1)>",
        ],
    )
    def test_dangerous_link_schemes_never_become_links(self, text):
        html = render_comment(text)
        assert "href" not in html

    def test_links_get_nofollow_ugc_noopener(self):
        html = render_comment("Voir [le rapport](https://example.org/rapport) et https://banque.example/faq")
        assert html.count('rel="nofollow ugc noopener"') == 2
        assert 'href="https://example.org/rapport"' in html
        assert 'href="https://banque.example/faq"' in html

    def test_plain_text_keeps_paragraphs_and_line_breaks(self):
        html = render_comment("Premier paragraphe\nsuite\n\nSecond paragraphe")
        assert html.count("<p>") == 2
        assert "<br>" in html

    def test_small_markdown_subset_is_rendered(self):
        html = render_comment("*italique* **gras** `code`\n\n> citation")
        assert "<em>italique</em>" in html
        assert "<strong>gras</strong>" in html
        assert "<code>code</code>" in html
        assert "<blockquote>" in html

    def test_headings_and_images_are_not_part_of_the_comment_subset(self):
        html = render_comment("# Titre\n\n![img](https://example.org/x.png)")
        assert "<h1" not in html
        assert "<img" not in html


class TestPostRendering:
    def test_markdown_headings_and_links(self):
        html = render_post("## Section\n\nTexte avec [lien](https://example.org).")
        assert "<h2>Section</h2>" in html
        assert 'rel="noopener"' in html

    def test_script_in_a_post_is_escaped(self):
        html = render_post('<script>alert("x")</script>')
        assert "<script" not in html


class TestMaskedDataInMarkdown:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("**jean@example.org**", "<strong>j***@example.org</strong>"),
            ("**4111 1111 1111 1111**", "<strong>**** **** **** 1111</strong>"),
            ("*FR1420041010050500013M02606*", "<em>FR14 **** … 2606</em>"),
        ],
    )
    def test_masks_show_as_written_inside_emphasis(self, text, expected):
        assert expected in render_comment(text)

    def test_unmasked_on_purpose(self):
        assert "FR1420041010050500013M02606" in render_comment("FR1420041010050500013M02606", mask=False)


class TestReadingMinutes:
    @pytest.mark.parametrize(
        ("words", "minutes"),
        [(0, 1), (1, 1), (100, 1), (344, 1), (346, 2), (460, 2), (690, 3), (2300, 10)],
    )
    def test_230_words_a_minute_at_least_one(self, words, minutes):
        assert reading_minutes(" ".join(["mot"] * words)) == minutes

    def test_markdown_and_line_breaks_count_as_spaces(self):
        assert reading_minutes("## Titre\n\n" + "mot\n" * 460) == 2

    def test_the_figure_is_230(self):
        assert WORDS_PER_MINUTE == 230

    @pytest.mark.django_db
    def test_saved_with_the_post_and_kept_up_to_date(self):
        post = PostFactory(body="mot " * 1200)
        assert post.reading_minutes == 5
        post.body = "Court."
        post.save()
        post.refresh_from_db()
        assert post.reading_minutes == 1


class TestHighlightedMasks:
    """The moderators' desk shows where personal data was masked; readers' HTML stays as it was."""

    def test_each_mask_is_marked(self):
        html = read_comment("IBAN FR7630006000011234567890189, tél. 06 12 34 56 78", highlight=True).html
        assert html.count('<mark class="personal-data">') == 2
        assert '<mark class="personal-data">06 ** ** ** 78</mark>' in html

    def test_no_marker_is_left_in_a_link(self):
        html = read_comment("[moi](mailto:jean@example.org)", highlight=True).html
        assert "%EE%80%81" not in html and "\ue001" not in html and "\ue002" not in html

    def test_readers_html_has_no_mark(self):
        assert "<mark" not in read_comment("tél. 06 12 34 56 78").html
