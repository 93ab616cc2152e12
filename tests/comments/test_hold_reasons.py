"""Hold reasons are stored as codes with their parameters and read in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from comments import moderation, notifications
from comments.links import moderation_url
from comments.models import HoldReason
from comments.services import comment_submit
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

THREE_LINKS = "Voyez https://a.example, https://b.example et https://c.example"


def submitted_in(language, post):
    """A comment held for its links, sent while `language` was the commenter's."""
    with translation.override(language):
        return comment_submit(post=post, author=UserFactory(language=language), body=THREE_LINKS)


class TestStoredAsCodes:
    def test_the_rows_hold_codes_and_parameters_not_sentences(self, post):
        comment = submitted_in("fr", post)
        stored = list(HoldReason.objects.filter(comment=comment).values("code", "params"))
        assert stored[0] == {"code": "links", "params": {"count": 3, "limit": 2}}
        assert {"code": "unknown_domain", "params": {"domain": "a.example"}} in stored
        assert not any("liens" in str(row) for row in stored)

    @pytest.mark.parametrize(
        ("language", "sentences"),
        [
            ("fr", ["3 liens (limite : 2)", "lien vers un domaine jamais approuvé : a.example"]),
            ("en", ["3 links (limit: 2)", "link to a domain never approved before: a.example"]),
        ],
    )
    def test_the_sentence_is_made_in_the_language_of_the_moment(self, post, language, sentences):
        comment = submitted_in("fr" if language == "en" else "en", post)  # the other language
        with translation.override(language):
            messages = [reason.message for reason in comment.hold_reasons.all()]
        assert messages[:2] == sentences


class TestReadByAModeratorOfAnotherLanguage:
    @pytest.mark.parametrize(
        ("commenter", "moderator", "seen", "not_seen"),
        [
            ("fr", "en", "3 links (limit: 2)", "3 liens (limite : 2)"),
            ("en", "fr", "3 liens (limite : 2)", "3 links (limit: 2)"),
        ],
    )
    def test_the_held_comment_email(self, settings, post, mailoutbox, commenter, moderator, seen, not_seen):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "each"
        reader = ModeratorFactory(language=moderator)
        comment = submitted_in(commenter, post)
        mailoutbox.clear()
        notifications.notify_comment_held(comment)
        [message] = [m for m in mailoutbox if m.to == [reader.email]]
        assert seen in message.body and seen in message.alternatives[0][0]
        assert not_seen not in message.body

    def test_the_admin_queue_and_the_comment_page(self, client, post):
        # The admin speaks the site's language (French): an English commenter's reasons read in French there.
        comment = submitted_in("en", post)
        client.force_login(ModeratorFactory(language="en"))
        changelist = reverse("admin:comments_comment_changelist")
        for url in (changelist, reverse("admin:comments_comment_change", args=[comment.pk])):
            html = client.get(url).content.decode()
            assert '<span class="hold-reason hold-reason-links">3 liens (limite : 2)</span>' in html
            assert "3 links (limit: 2)" not in html  # nor in the history row written at submission

    def test_the_signed_link_page(self, client, post):
        comment = submitted_in("fr", post)
        english = ModeratorFactory(language="en")
        with translation.override("en"):
            url = moderation_url(comment=comment, moderator=english, action="approve")
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "3 links (limit: 2)" in html


class TestReasonMessages:
    def test_every_code_the_admin_filter_lists_has_a_sentence(self):
        assert set(moderation.REASON_LABELS) <= set(moderation.MESSAGES)

    def test_personal_data_messages_are_marked_for_translation(self):
        # Lazy: makemessages finds them, and each is translated when shown, not when the module loads.
        assert all(type(message).__name__ == "__proxy__" for message in moderation.PERSONAL_DATA_MESSAGES.values())
        assert moderation.Reason("iban").message == "IBAN détecté"

    @pytest.mark.parametrize(
        ("language", "code", "params", "sentence"),
        [
            ("fr", "links", {"count": 1, "limit": 0}, "1 lien (limite : 0)"),
            ("fr", "links", {"count": 3, "limit": 2}, "3 liens (limite : 2)"),
            ("en", "links", {"count": 1, "limit": 0}, "1 link (limit: 0)"),
            ("fr", "reported", {"count": 1}, "1 signalement de lecteur"),
            ("fr", "reported", {"count": 4}, "4 signalements de lecteurs"),
            ("en", "reported", {"count": 1}, "1 report from a reader"),
            ("en", "reported", {"count": 4}, "4 reports from readers"),
        ],
    )
    def test_counted_sentences_follow_the_language_plural_rule(self, language, code, params, sentence):
        with translation.override(language):
            assert moderation.Reason(code, params).message == sentence

    def test_a_reason_kept_as_text_shows_its_text(self):
        assert moderation.Reason("links", {"text": "ancienne phrase"}).message == "ancienne phrase"
        assert moderation.Reason("inconnu").message == "inconnu"
