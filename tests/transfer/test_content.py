"""WordPress content and comment text made into Causerie's: pure functions."""

from transfer.content import autop, comment_text, wordpress_html


def convert(raw, attachments=None):
    warnings = []
    return wordpress_html(raw, attachments or {}, warn=warnings.append, where="B"), warnings


class TestWordpressHtml:
    def test_blank_lines_are_paragraphs_and_single_newlines_breaks(self):
        assert autop("Un\ndeux\n\nTrois") == "<p>Un<br>\ndeux</p>\n<p>Trois</p>"

    def test_blocks_and_pre_are_left_as_they_are(self):
        html = autop("<ul>\n<li>a</li>\n</ul>\n\n<pre>x\n\ny</pre>")
        assert "<p><ul>" not in html and "<pre>x\n\ny</pre>" in html

    def test_caption_becomes_a_figure(self):
        html, _ = convert('[caption id="a" align="alignnone"]<img src="/a.jpg" alt="A"> Une légende[/caption]')
        assert '<figure><img src="/a.jpg" alt="A"><figcaption>Une légende</figcaption></figure>' in html

    def test_old_caption_attribute_form(self):
        html, _ = convert('[caption id="a" caption="Légende ancienne"]<img src="/a.jpg">[/caption]')
        assert "<figcaption>Légende ancienne</figcaption>" in html

    def test_gallery_becomes_a_list_of_known_images(self):
        html, warnings = convert('[gallery ids="1,2"]', {"1": "/u/1.jpg", "2": "/u/2.jpg"})
        assert '<ul><li><img src="/u/1.jpg" alt=""></li><li><img src="/u/2.jpg" alt=""></li></ul>' in html
        assert warnings == []

    def test_gallery_with_unknown_images_is_warned(self):
        _, warnings = convert('[gallery ids="9"]')
        assert "galerie incomplète" in warnings[0]

    def test_gutenberg_comments_go(self):
        html, _ = convert("<!-- wp:paragraph -->\n<p>Texte</p>\n<!-- /wp:paragraph -->")
        assert html == "<p>Texte</p>"

    def test_other_shortcodes_stay_as_text_and_are_listed(self):
        html, warnings = convert("Avant [youtube id=3] après [contact-form]")
        assert "[youtube id=3]" in html
        assert "[contact-form], [youtube]" in warnings[0]


class TestCommentText:
    def test_html_comment_becomes_text_with_markdown_links(self):
        text = comment_text('Un<br />deux<p>trois</p><a href="https://x.example/">le site</a> &#039;ok&#039;')
        assert text == "Un\ndeux\n\ntrois\n\n[le site](https://x.example/) 'ok'"

    def test_backslashes_survive(self):
        assert comment_text("\\o/ ¯\\_(ツ)_/¯") == "\\o/ ¯\\_(ツ)_/¯"
