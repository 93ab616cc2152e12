import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from markup.render import render_comment, render_post
from markup.typography import NNBSP, typographize, typographize_text

N = NNBSP


class TestSpaceBeforePunctuation:
    @pytest.mark.parametrize(
        ("html", "expected"),
        [
            ("<p>Vraiment ?</p>", f"<p>Vraiment{N}?</p>"),
            ("<p>Vraiment?</p>", f"<p>Vraiment{N}?</p>"),
            ("<p>Oui !</p>", f"<p>Oui{N}!</p>"),
            ("<p>Oui!</p>", f"<p>Oui{N}!</p>"),
            ("<p>Note : voici</p>", f"<p>Note{N}: voici</p>"),
            ("<p>Note: voici</p>", f"<p>Note{N}: voici</p>"),
            ("<p>un ; deux</p>", f"<p>un{N}; deux</p>"),
            ("<p>un; deux</p>", f"<p>un{N}; deux</p>"),
            ("<p>ceci&nbsp;: cela</p>", f"<p>ceci{N}: cela</p>"),
            ("<p>ceci\u00a0: cela</p>", f"<p>ceci{N}: cela</p>"),
            ("<p>ceci   : cela</p>", f"<p>ceci{N}: cela</p>"),
            ("<p>Quoi ?!</p>", f"<p>Quoi{N}?!</p>"),
            ("<p>(durables !)</p>", f"<p>(durables{N}!)</p>"),
            ("<p>« Déjà ? »</p>", f"<p>«{N}Déjà{N}?{N}»</p>"),
            ("<p>100 % !</p>", f"<p>100 %{N}!</p>"),
        ],
    )
    def test_narrow_no_break_space(self, html, expected):
        assert typographize(html) == expected

    @pytest.mark.parametrize(
        "html",
        [
            "<p>Rendez-vous à 12:30 précises</p>",
            "<p>de 9:00 à 18:45:30</p>",
            "<p>un rapport 16:9</p>",
            "<p>std::vector et a::b</p>",
            "<p>C:\\Users</p>",
            "<p>Quel est ce site.fr?id=3 déjà</p>",
            "<p>:) en début de ligne</p>",
        ],
    )
    def test_colons_and_question_marks_inside_a_word_are_left_alone(self, html):
        assert typographize(html) == html

    def test_across_an_inline_tag(self):
        assert typographize("<p><em>vrai</em>?</p>") == f"<p><em>vrai</em>{N}?</p>"
        assert typographize("<p><strong>Attention</strong>: lire</p>") == f"<p><strong>Attention</strong>{N}: lire</p>"

    def test_not_across_a_line_break(self):
        assert typographize("<p>fin</p><p>? début</p>") == "<p>fin</p><p>? début</p>"
        assert typographize("<p>fin<br>\n? suite</p>") == "<p>fin<br>\n? suite</p>"


class TestGuillemets:
    @pytest.mark.parametrize(
        ("html", "expected"),
        [
            ("<p>«bonjour»</p>", f"<p>«{N}bonjour{N}»</p>"),
            ("<p>« bonjour »</p>", f"<p>«{N}bonjour{N}»</p>"),
            ("<p>«&nbsp;bonjour&nbsp;»</p>", f"<p>«{N}bonjour{N}»</p>"),
            ("<p>«  bonjour  »</p>", f"<p>«{N}bonjour{N}»</p>"),
            ("<p>«<em>mot</em>»</p>", f"<p>«<em>{N}mot</em>{N}»</p>"),
            ('<p>« <a href="/x">lien</a> »</p>', f'<p>«{N}<a href="/x">lien</a>{N}»</p>'),
        ],
    )
    def test_narrow_no_break_space_inside(self, html, expected):
        assert typographize(html) == expected


class TestApostrophe:
    @pytest.mark.parametrize(
        ("html", "expected"),
        [
            ("<p>aujourd'hui</p>", "<p>aujourd’hui</p>"),
            ("<p>l'avènement d'Élise</p>", "<p>l’avènement d’Élise</p>"),
            ("<p>qu'il n'y a</p>", "<p>qu’il n’y a</p>"),
        ],
    )
    def test_between_letters(self, html, expected):
        assert typographize(html) == expected

    @pytest.mark.parametrize("html", ["<p>'entre guillemets droits'</p>", "<p>les années '80</p>", "<p>5' et 3''</p>"])
    def test_not_elsewhere(self, html):
        assert typographize(html) == html


class TestLeftAlone:
    @pytest.mark.parametrize(
        "html",
        [
            "<p><code>a ? b : c; l'x</code></p>",
            "<pre><code>x = a ? b : c\nprint('l'a')\n« non »</code></pre>",
            "<p><a href=\"https://example.org/?q=a:b&amp;l'x\">https://example.org/?q=a:b&amp;l'x</a></p>",
            '<p><a href="https://example.org">example.org</a></p>',
            '<p><a href="mailto:jean@example.org">jean@example.org</a></p>',
        ],
    )
    def test_code_and_address_links(self, html):
        assert typographize(html) == html

    @pytest.mark.parametrize(
        "text",
        [
            "http://",
            "https://example.org/page?id=3;x=4!b",
            "www.example.org/a:b",
            "mailto:jean@example.org",
            "jean.o'neil@example.org",
            "FR76 **** … 1234",
            "**** **** **** 1111",
            "06 ** ** ** 78",
            "j***@example.org",
        ],
    )
    def test_addresses_and_masks_in_the_text(self, text):
        assert text in typographize(f"<p>voir {text} et</p>")

    def test_punctuation_after_an_address_still_gets_its_space(self):
        assert typographize("<p>écrire à jean@example.org: merci</p>") == f"<p>écrire à jean@example.org{N}: merci</p>"
        assert typographize("<p>voir https://example.org/a !</p>") == f"<p>voir https://example.org/a{N}!</p>"
        assert typographize("<p>voir https://example.org/a: la suite</p>") == (
            f"<p>voir https://example.org/a{N}: la suite</p>"
        )

    def test_attributes_are_never_touched(self):
        html = '<p><a href="https://example.org/?a=1" title="Quoi ? l\'url">texte</a></p>'
        assert typographize(html) == html
        html = '<p><img src="https://example.org/x.png" alt="Une image ? Oui !"></p>'
        assert typographize(html) == html

    def test_entities_are_not_punctuation(self):
        assert typographize("<p>R&amp;D et &lt;b&gt; &amp; co</p>") == "<p>R&amp;D et &lt;b&gt; &amp; co</p>"
        assert typographize("<p>R&amp;D ; puis</p>") == f"<p>R&amp;D{N}; puis</p>"

    def test_an_entity_written_out_as_text_is_not_a_semicolon(self):
        assert typographize("<p>&amp;eacute; ou &amp;#233; reste</p>") == "<p>&amp;eacute; ou &amp;#233; reste</p>"

    def test_text_left_as_it_was_is_returned_byte_for_byte(self):
        html = '<p>Rien à changer, &quot;ici&quot; &#39;non plus&#39; &eacute;</p>\n<hr>\n<p a="&gt;">x</p>'
        assert typographize(html) == html


class TestIdempotent:
    @pytest.mark.parametrize(
        "html",
        [
            "<p>Vraiment ? « Oui ! » aujourd'hui : 12:30 ; voir http://example.org/?a=1 !</p>",
            "<p><em>vrai</em>? «<em>mot</em>» <code>l'a</code></p>",
            "<p>ceci&nbsp;: cela « là »</p>",
        ],
    )
    def test_twice_is_once(self, html):
        once = typographize(html)
        assert once != html
        assert typographize(once) == once

    @given(st.text(alphabet=" \u00a0\u202fab1:;!?«»'’@./<>&\n", max_size=40))
    def test_twice_is_once_on_any_text(self, text):
        html = render_comment(text)
        assert typographize(html) == html  # render_comment already applied it


class TestInRendering:
    def test_post(self):
        html = render_post("## Pourquoi ?\n\nL'essentiel : « tout » ! Voir `a ? b : c` et https://example.org/?q=1.")
        assert f"<h2>Pourquoi{N}?</h2>" in html
        assert f"L’essentiel{N}: «{N}tout{N}»{N}!" in html
        assert "<code>a ? b : c</code>" in html
        assert 'href="https://example.org/?q=1"' in html
        assert ">https://example.org/?q=1</a>." in html

    def test_comment_keeps_masks(self):
        html = render_comment("Mon IBAN : FR1420041010050500013M02606, mon mail : jean@example.org !")
        assert f"Mon IBAN{N}: FR14 **** … 2606" in html
        assert f"j***@example.org{N}!" in html

    def test_code_block_in_a_post(self):
        html = render_post("```\nif x ? y : z: l'a\n```")
        assert "if x ? y : z: l'a" in html


class TestPlainText:
    def test_a_title(self):
        assert typographize_text("Médias sociaux : les banques n'ont pas le choix !") == (
            f"Médias sociaux{N}: les banques n’ont pas le choix{N}!"
        )

    def test_the_filter_escapes(self):
        html = Template("{% load typography %}{{ title|typo }}").render(Context({"title": "<b>R&D</b> : « oui »"}))
        assert html == f"&lt;b&gt;R&amp;D&lt;/b&gt;{N}: «{N}oui{N}»"

    def test_the_filter_is_idempotent_on_escaped_text(self):
        once = typographize_text("Quoi ? « Ça »")
        assert typographize_text(once) == once


class TestPlainExcerpt:
    def test_the_cut_keeps_the_typography_of_the_body(self):
        from markup.typography import plain_excerpt

        body = render_post("Vraiment ? Oui : « tout » l'hiver ! " + "mot " * 60)
        excerpt = plain_excerpt(body, 6)  # « ? » and « : » are not words
        assert excerpt == f"Vraiment{N}? Oui{N}: «{N}tout{N}» l’hiver{N}! mot mot…"

    def test_tags_become_spaces_and_entities_are_read(self):
        from markup.typography import plain_excerpt

        assert (
            plain_excerpt("<p>Banques &amp;<br>clients</p><p>et conseillers</p>", 45)
            == "Banques & clients et conseillers"
        )

    def test_intertitles_are_left_out_unless_there_is_nothing_else(self):
        from markup.typography import plain_excerpt

        assert plain_excerpt("<h2>Un intertitre</h2><p>Le texte.</p>", 45) == "Le texte."
        assert plain_excerpt("<h2>Un intertitre</h2>", 45) == "Un intertitre"

    def test_a_short_body_is_whole(self):
        from markup.typography import plain_excerpt

        assert plain_excerpt("<p>Deux mots</p>", 45) == "Deux mots"
