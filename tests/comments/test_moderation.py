"""The policy, rule by rule: pure functions, no database."""

from datetime import timedelta

import pytest

from comments.moderation import AuthorRecord, Policy, SiteLists, assess, blocked_words_in, matching_domain

ESTABLISHED = AuthorRecord(account_age=timedelta(days=30))
POLICY = Policy()
LISTS = SiteLists(known_domains=frozenset({"example.org", "banque.fr"}))


def codes(verdict):
    return [reason.code for reason in verdict.reasons]


def messages(verdict):
    return [reason.message for reason in verdict.reasons]


class TestHoldAll:
    def test_every_comment_is_held_by_default(self):
        verdict = assess(body="Bel article.", author=ESTABLISHED, lists=LISTS, policy=POLICY)
        assert verdict.status == "pending"
        assert codes(verdict) == ["hold_all"]

    def test_even_a_trusted_author_is_held_in_hold_all_mode(self):
        author = AuthorRecord(account_age=timedelta(days=300), trusted=True, approved_since_last_refusal=50)
        assert assess(body="Bel article.", author=author, lists=LISTS, policy=POLICY).status == "pending"


class TestTrustLadder:
    TRUST = Policy(mode="trust", trust_threshold=3)

    @pytest.mark.parametrize(
        ("approved", "status"), [(0, "pending"), (2, "pending"), (3, "approved"), (10, "approved")]
    )
    def test_threshold_of_approved_comments_since_last_refusal(self, approved, status):
        author = AuthorRecord(account_age=timedelta(days=30), approved_since_last_refusal=approved)
        verdict = assess(body="Bel article.", author=author, lists=LISTS, policy=self.TRUST)
        assert verdict.status == status

    def test_trusted_by_a_moderator(self):
        author = AuthorRecord(account_age=timedelta(days=30), trusted=True)
        verdict = assess(body="Bel article.", author=author, lists=LISTS, policy=self.TRUST)
        assert verdict.status == "approved"
        assert codes(verdict) == ["trusted"]

    def test_a_holding_rule_still_holds_a_trusted_author(self):
        author = AuthorRecord(account_age=timedelta(days=30), trusted=True, approved_since_last_refusal=9)
        verdict = assess(body="Mon IBAN FR1420041010050500013M02606", author=author, lists=LISTS, policy=self.TRUST)
        assert verdict.status == "pending"
        assert "iban" in codes(verdict)


class TestLinks:
    def test_up_to_the_limit_is_fine(self):
        body = "Voir https://example.org/a et https://banque.fr/b"
        assert "links" not in codes(assess(body=body, author=ESTABLISHED, lists=LISTS, policy=POLICY))

    def test_over_the_limit_holds_with_the_count(self):
        body = "https://example.org/a https://example.org/b [c](https://banque.fr/c)"
        verdict = assess(body=body, author=ESTABLISHED, lists=LISTS, policy=POLICY)
        assert "3 liens (limite : 2)" in messages(verdict)

    def test_links_written_as_bare_names_count(self):
        body = "www.example.org example.org/page et banque.fr"
        assert "3 liens (limite : 2)" in messages(assess(body=body, author=ESTABLISHED, lists=LISTS, policy=POLICY))

    def test_unknown_domain_holds(self):
        verdict = assess(body="Voir https://inconnu.example/x", author=ESTABLISHED, lists=LISTS, policy=POLICY)
        assert "lien vers un domaine jamais approuvé : inconnu.example" in messages(verdict)

    def test_subdomain_of_a_known_domain_is_known(self):
        verdict = assess(body="Voir https://www.example.org/x", author=ESTABLISHED, lists=LISTS, policy=POLICY)
        assert "unknown_domain" not in codes(verdict)


class TestBlockList:
    LISTS = SiteLists(
        blocked_words=frozenset({"casino", "crédit rapide"}),
        blocked_domains=frozenset({"spam.example"}),
        known_domains=frozenset({"spam.example"}),
    )

    @pytest.mark.parametrize(
        "body", ["Meilleur CASINO en ligne", "un casino, vraiment", "Crédit Rapide ici", "credit rapide"]
    )
    def test_blocked_words_ignore_case_accents_and_punctuation(self, body):
        verdict = assess(body=body, author=ESTABLISHED, lists=self.LISTS, policy=POLICY)
        assert "blocked_word" in codes(verdict)

    def test_a_word_inside_another_word_does_not_count(self):
        assert blocked_words_in("les casinotiers", frozenset({"casino"})) == set()

    def test_message_names_the_word(self):
        verdict = assess(body="casino", author=ESTABLISHED, lists=self.LISTS, policy=POLICY)
        assert "mot bloqué : casino" in messages(verdict)

    def test_blocked_domain_and_its_subdomains(self):
        verdict = assess(body="https://promo.spam.example/x", author=ESTABLISHED, lists=self.LISTS, policy=POLICY)
        assert "domaine bloqué : spam.example" in messages(verdict)

    def test_matching_domain(self):
        assert matching_domain("www.a.example", frozenset({"a.example"})) == "a.example"
        assert matching_domain("nota.example", frozenset({"a.example"})) is None


class TestNewAccount:
    def test_young_account_is_held_with_its_age(self):
        author = AuthorRecord(account_age=timedelta(minutes=4, seconds=30))
        verdict = assess(body="Bonjour", author=author, lists=LISTS, policy=POLICY)
        assert "compte créé il y a 4 minutes" in messages(verdict)

    def test_account_at_the_limit_is_not_new(self):
        author = AuthorRecord(account_age=timedelta(minutes=10))
        assert "new_account" not in codes(assess(body="Bonjour", author=author, lists=LISTS, policy=POLICY))


class TestDuplicate:
    def test_same_text_as_a_recent_comment(self):
        author = AuthorRecord(account_age=timedelta(days=30), recent_bodies=("Super article !",))
        verdict = assess(body="super   ARTICLE", author=author, lists=LISTS, policy=POLICY)
        assert "duplicate" in codes(verdict)

    def test_different_text_is_fine(self):
        author = AuthorRecord(account_age=timedelta(days=30), recent_bodies=("Super article !",))
        assert "duplicate" not in codes(assess(body="Autre chose", author=author, lists=LISTS, policy=POLICY))


class TestPersonalData:
    @pytest.mark.parametrize(
        ("body", "code", "message"),
        [
            ("Mon IBAN : FR14 2004 1010 0505 0001 3M02 606", "iban", "IBAN détecté"),
            ("Carte 4111 1111 1111 1111", "card", "numéro de carte bancaire détecté"),
            ("Appelez-moi au 06 12 34 56 78", "phone", "numéro de téléphone détecté"),
            ("Écrivez à jeanne.dupont@example.org", "email", "adresse e-mail détectée"),
        ],
    )
    def test_personal_data_holds_with_its_kind(self, body, code, message):
        verdict = assess(body=body, author=ESTABLISHED, lists=LISTS, policy=POLICY)
        assert code in codes(verdict)
        assert message in messages(verdict)

    def test_invalid_iban_does_not_hold(self):
        verdict = assess(body="FR14 2004 1010 0505 0001 3M02 607", author=ESTABLISHED, lists=LISTS, policy=POLICY)
        assert "iban" not in codes(verdict)


class TestPolicySettings:
    def test_from_settings(self, settings):
        settings.COMMENTS_MODERATION_MODE = "trust"
        settings.COMMENTS_MAX_LINKS = 5
        settings.COMMENTS_CLOSE_AFTER_DAYS = 30
        policy = Policy.from_settings()
        assert (policy.mode, policy.max_links, policy.close_after) == ("trust", 5, timedelta(days=30))
        assert policy.mode_label == "Échelle de confiance"
