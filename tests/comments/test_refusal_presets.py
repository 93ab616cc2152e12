"""A refusal's preset reason is stored as a code and worded when shown, in the reader's language; the
moderator's own words stay as written. Old reasons (the preset's words stored as text) are split by the
migration, and an old reason that is not a preset reads as it did."""

import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from comments import services
from comments.models import Comment, RefusalPreset

pytestmark = pytest.mark.django_db

migration = importlib.import_module("comments.migrations.0009_refusal_presets")


class TestShownInTheReadersLanguage:
    def test_the_authors_page_in_english(self, client, moderator, pending_comment):
        services.comment_reject(
            comment=pending_comment, moderator=moderator, reason="merci de rester sur le thème", preset="off_topic"
        )
        client.force_login(pending_comment.author)
        with translation.override("en"):
            url = reverse("comments:mine")
        html = client.get(url).content.decode()
        assert "Off topic — merci de rester sur le thème" in html
        assert "Hors sujet" not in html

    def test_the_authors_page_in_french(self, client, moderator, pending_comment):
        services.comment_reject(comment=pending_comment, moderator=moderator, preset="duplicate")
        client.force_login(pending_comment.author)
        assert "Motif du refus : Doublon" in client.get(reverse("comments:mine")).content.decode()

    def test_the_email_to_an_english_reader(
        self, moderator, pending_comment, mailoutbox, django_capture_on_commit_callbacks
    ):
        author = pending_comment.author
        type(author).objects.filter(pk=author.pk).update(language="en")
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_reject(comment=pending_comment, moderator=moderator, reason="vos mots", preset="abusive")
        [message] = mailoutbox
        assert "Insulting or aggressive — vos mots" in message.body
        assert "Propos injurieux" not in message.body

    def test_a_preset_never_goes_to_an_approval(self, moderator, pending_comment):
        from comments import decisions

        decided = decisions.BY_NAME["approve"].take(comment=pending_comment, moderator=moderator, preset="abusive")
        assert decided.decision_preset == ""

    def test_an_unknown_code_is_dropped(self, moderator, pending_comment):
        decided = services.comment_reject(comment=pending_comment, moderator=moderator, preset="n_importe_quoi")
        assert decided.decision_preset == ""
        assert decided.status == Comment.Status.REJECTED


class TestOldReasons:
    @pytest.mark.parametrize(
        ("stored", "split"),
        [
            ("Hors sujet", ("off_topic", "")),
            ("Données personnelles — votre IBAN", ("personal_data", "votre IBAN")),
            ("Off topic — stay on topic", ("off_topic", "stay on topic")),  # an admin once used in English
            ("Hors sujet, et agressif", ("", "Hors sujet, et agressif")),  # free text: left whole
            ("Merci de rester courtois.", ("", "Merci de rester courtois.")),
        ],
    )
    def test_the_migration_splits_a_preset_from_the_words(self, stored, split):
        assert migration.split(stored) == split

    def test_the_migrations_presets_are_the_models(self):
        assert set(migration.PRESETS) == set(RefusalPreset.values)
        with translation.override("fr"):
            assert {code: words[0] for code, words in migration.PRESETS.items()} == {
                preset.value: str(preset.label) for preset in RefusalPreset
            }
        with translation.override("en"):
            assert {code: words[1] for code, words in migration.PRESETS.items()} == {
                preset.value: str(preset.label) for preset in RefusalPreset
            }
