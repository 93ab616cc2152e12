"""A refusal's preset reason is stored as a code and worded when shown, in the reader's language; the
moderator's own words stay as written. Old reasons (the preset's words stored as text) are split by the
migration, and an old reason that is not a preset reads as it did."""

import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from comments import services
from comments.models import Comment
from comments.moderation import RefusalPreset

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


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_old_rows_and_joins_them_back():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import PostFactory, UserFactory

    before, after = [("comments", "0008_hold_reasons_once")], [("comments", "0009_refusal_presets")]

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate(target)
        return executor.loader.project_state(target).apps.get_model("comments", "Comment")

    post, author = PostFactory(), UserFactory()
    try:
        Old = migrate(before)

        def refused(reason):
            return Old.objects.create(post_id=post.pk, author_id=author.pk, body="x", decision_reason=reason).pk

        preset, words, free = refused("Doublon"), refused("Hors sujet — restez sur le thème"), refused("Trop long.")
        New = migrate(after)
        rows = {pk: New.objects.values_list("decision_preset", "decision_reason").get(pk=pk) for pk in (preset, words)}
        assert rows == {preset: ("duplicate", ""), words: ("off_topic", "restez sur le thème")}
        assert New.objects.values_list("decision_preset", "decision_reason").get(pk=free) == ("", "Trop long.")
        Old = migrate(before)
        assert Old.objects.get(pk=words).decision_reason == "Hors sujet — restez sur le thème"
        assert Old.objects.get(pk=preset).decision_reason == "Doublon"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
