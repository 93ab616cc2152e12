"""Migrations 0007/0008: the JSON list of sentences becomes rows of codes and parameters, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PostFactory, UserFactory

BEFORE = [("comments", "0006_hold_reason_rows")]
AFTER = [("comments", "0008_hold_reasons_once")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_sentences_become_parameters_and_come_back_in_french():
    post, author = PostFactory(), UserFactory()
    try:
        apps = migrate(BEFORE)
        Comment = apps.get_model("comments", "Comment")

        def comment(reasons):
            return Comment.objects.create(post_id=post.pk, author_id=author.pk, body="x", hold_reasons=reasons).pk

        french = comment(
            [
                {"code": "links", "message": "3 liens (limite : 2)"},
                {"code": "unknown_domain", "message": "lien vers un domaine jamais approuvé : a.example"},
                {"code": "unknown_domain", "message": "lien vers un domaine jamais approuvé : b.example"},
                {"code": "iban", "message": "IBAN détecté"},
            ]
        )
        english = comment(
            [
                {"code": "new_account", "message": "account created 1 minute ago"},
                {"code": "reported", "message": "4 reports from readers"},
            ]
        )
        odd = comment([{"code": "links", "message": "trop de liens"}, {"message": "sans code"}, "texte"])
        none = comment([])

        apps = migrate(AFTER)
        HoldReason = apps.get_model("comments", "HoldReason")

        def rows(pk):
            return list(HoldReason.objects.filter(comment_id=pk).order_by("position").values_list("code", "params"))

        assert rows(french) == [
            ("links", {"count": 3, "limit": 2}),
            ("unknown_domain", {"domain": "a.example"}),
            ("unknown_domain", {"domain": "b.example"}),
            ("iban", {}),
        ]
        assert rows(english) == [("new_account", {"minutes": 1}), ("reported", {"count": 4})]
        assert rows(odd) == [("links", {"text": "trop de liens"})]  # kept as it was written
        assert rows(none) == []

        apps = migrate(BEFORE)  # backwards: French sentences, one row per code
        Comment = apps.get_model("comments", "Comment")
        HoldReason = apps.get_model("comments", "HoldReason")
        assert Comment.objects.get(pk=english).hold_reasons == [
            {"code": "new_account", "message": "compte créé il y a 1 minute"},
            {"code": "reported", "message": "4 signalements de lecteurs"},
        ]
        assert Comment.objects.get(pk=french).hold_reasons[:2] == [
            {"code": "links", "message": "3 liens (limite : 2)"},
            {"code": "unknown_domain", "message": "lien vers un domaine jamais approuvé : a.example"},
        ]
        assert Comment.objects.get(pk=odd).hold_reasons == [{"code": "links", "message": "trop de liens"}]
        codes = sorted(HoldReason.objects.filter(comment_id=french).values_list("code", flat=True))
        assert codes == ["iban", "links", "unknown_domain"]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
