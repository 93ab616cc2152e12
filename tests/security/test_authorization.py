"""Who may do what: every URL and action against every kind of visitor, as a table.

Each cell is "<HTTP status><effect>": `+` when the action took effect in the database
(or, for reads, the thing was shown), `-` when it did not. A cell is one test: the
request goes through the real URL with a client that enforces CSRF (it sends the
token, as the page's form would), then the database (or the page) is checked.

Roles: the comment's `author` is a verified reader who wrote the target comments;
`verified` is another verified reader; `banned` and `suspended` are verified readers
under a sanction; `moderator` is staff in the « Modérateurs » group; `superuser` has
every right. `by_passkey`, `by_code` and `by_provider` are verified readers logged in by
those ways rather than by the test client's force_login (see `log_in_by`): the way in
changes nothing of what a reader may do.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.mfa_forms import LoginWebAuthnForm
from accounts.models import User
from comments.links import moderation_url
from comments.models import Comment, Report
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "unverified", "verified", "banned", "suspended", "moderator", "author", "superuser",
    "by_passkey", "by_code", "by_provider",
]  # fmt: skip

# fmt: off
MATRIX = [
    # action                 anon    unverif verif   banned  suspend moder   author  super   passkey code    provider
    ("read_post",           "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+"),
    # a pending comment: its author sees it, and moderators (moderating in place on the post page)
    ("read_pending",        "200-", "200-", "200-", "200-", "200-", "200+", "200+", "200+", "200-", "200-", "200-"),
    ("comment",             "403-", "403-", "302+", "403-", "403-", "302+", "302+", "302+", "302+", "302+", "302+"),
    ("reply",               "403-", "403-", "302+", "403-", "403-", "302+", "302+", "302+", "302+", "302+", "302+"),
    ("edit",                "302-", "404-", "404-", "404-", "404-", "404-", "302+", "404-", "404-", "404-", "404-"),
    ("edit_form",           "302-", "404-", "404-", "404-", "404-", "404-", "200+", "404-", "404-", "404-", "404-"),
    ("delete",              "302-", "404-", "404-", "404-", "404-", "404-", "302+", "404-", "404-", "404-", "404-"),
    ("report",              "302-", "403-", "302+", "403-", "403-", "302+", "403-", "302+", "302+", "302+", "302+"),
    ("report_pending",      "302-", "404-", "404-", "404-", "404-", "404-", "404-", "404-", "404-", "404-", "404-"),
    ("my_comments",         "302-", "200-", "200-", "200-", "200-", "200-", "200+", "200-", "200-", "200-", "200-"),
    ("admin_approve",       "302-", "302-", "302-", "302-", "302-", "302+", "302-", "302+", "302-", "302-", "302-"),
    ("admin_reject",        "302-", "302-", "302-", "302-", "302-", "302+", "302-", "302+", "302-", "302-", "302-"),
    ("admin_bulk_approve",  "302-", "302-", "302-", "302-", "302-", "302+", "302-", "302+", "302-", "302-", "302-"),
    ("admin_ban",           "302-", "302-", "302-", "302-", "302-", "302+", "302-", "302+", "302-", "302-", "302-"),
    ("admin_ban_staff",     "302-", "302-", "302-", "302-", "302-", "302-", "302-", "302-", "302-", "302-", "302-"),
    ("admin_index",         "302-", "302-", "302-", "302-", "302-", "200+", "302-", "200+", "302-", "302-", "302-"),
    ("admin_comment_queue", "302-", "302-", "302-", "302-", "302-", "200+", "302-", "200+", "302-", "302-", "302-"),
    ("admin_comment_page",  "302-", "302-", "302-", "302-", "302-", "200+", "302-", "200+", "302-", "302-", "302-"),
    ("admin_users",         "302-", "302-", "302-", "302-", "302-", "200+", "302-", "200+", "302-", "302-", "302-"),
    ("admin_posts",         "302-", "302-", "302-", "302-", "302-", "403-", "302-", "200+", "302-", "302-", "302-"),
    ("admin_groups",        "302-", "302-", "302-", "302-", "302-", "403-", "302-", "200+", "302-", "302-", "302-"),
    ("link_view",           "200-", "200-", "200-", "200-", "200-", "200-", "200-", "200-", "200-", "200-", "200-"),
    ("link_approve",        "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+"),
    ("link_tampered",       "400-", "400-", "400-", "400-", "400-", "400-", "400-", "400-", "400-", "400-", "400-"),
    ("link_to_non_moderator","403-", "403-", "403-", "403-", "403-", "403-", "403-", "403-", "403-", "403-", "403-"),
    ("preferences",         "302-", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+"),
    ("profile_of_another",  "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+"),
    ("export",              "302-", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+", "200+"),
    ("account_deletion",    "302-", "302+", "302+", "302+", "302+", "302-", "302+", "302-", "302+", "302+", "302+"),
]
# fmt: on

POST_ACTIONS = {
    "comment", "reply", "edit", "delete", "report", "report_pending", "admin_approve", "admin_reject",
    "admin_bulk_approve", "admin_ban", "admin_ban_staff", "link_approve", "export", "account_deletion",
}  # fmt: skip


@dataclass
class World:
    post: object
    author: User
    approved: Comment
    pending: Comment
    moderator: User
    users: dict


def _superuser():
    user = User.objects.create_superuser("root@example.org", "motdepasse-solide-42", display_name="Racine")
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def world(settings):
    settings.COMMENTS_MODERATOR_NOTIFICATIONS = "off"
    author = UserFactory(display_name="Autrice")
    moderator = ModeratorFactory(display_name="Mina")
    post = PostFactory()
    approved = CommentFactory(post=post, author=author, body="Publié, visible de tous.", status="approved")
    pending = CommentFactory(post=post, author=author, body="Secret en attente 7f3a.", status="pending")
    users = {
        "anonymous": None,
        "unverified": UserFactory(verified=False),
        "verified": UserFactory(),
        "banned": UserFactory(banned_at=timezone.now()),
        "suspended": UserFactory(suspended_until=timezone.now() + timedelta(days=7)),
        "moderator": moderator,
        "author": author,
        "superuser": _superuser(),
        "by_passkey": UserFactory(),
        "by_code": UserFactory(),
        "by_provider": UserFactory(),
    }
    return World(post, author, approved, pending, moderator, users)


CSRF_SECRET = "a" * 32  # the cookie's secret; the form may send it as is


def csrf_client(user, *, with_token: bool = True) -> Client:
    """A client that enforces CSRF; with_token: it sends the token, as a browser holding the page's form does."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    client.proof_token = CSRF_SECRET if with_token else None
    return client


WAYS_IN = {"by_passkey", "by_code", "by_provider"}


def log_in_by(way: str, user, request) -> Client:
    """A CSRF-enforcing client logged in through allauth's own views, by a passkey, a code or a provider.

    The passkey's signature check is stubbed (the ceremony itself runs in Chromium, tests/e2e/test_passkeys.py);
    the provider is the in-process OpenID Connect stand-in (tests/social.py), vouching for the address.
    """
    client = csrf_client(None)
    if way == "by_code":
        post(client, reverse("account_request_login_code"), {"email": user.email})
        code = re.search(r"Causerie : (\S+)", mail.outbox[-1].body).group(1)
        post(client, reverse("account_confirm_login_code"), {"code": code})
    elif way == "by_provider":
        oidc = request.getfixturevalue("oidc")
        oidc.claims = {"sub": f"sujet-{user.pk}", "email": user.email, "email_verified": True}
        start = post(client, reverse("openid_connect_login", kwargs={"provider_id": "maison"}))
        state = parse_qs(urlsplit(start.url).query)["state"][0]
        client.get(reverse("openid_connect_callback", kwargs={"provider_id": "maison"}), {"code": "c", "state": state})
    else:
        passkey = Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={})
        monkeypatch = request.getfixturevalue("monkeypatch")
        # The ceremony itself runs in Chromium (tests/e2e/test_passkeys.py); here the form takes it as done.
        monkeypatch.setattr(LoginWebAuthnForm, "clean_credential", lambda form: passkey)
        post(client, reverse("mfa_login_webauthn"), {"credential": '{"id": "cle-virtuelle"}'})
    assert int(client.session["_auth_user_id"]) == user.pk, f"{way}: not logged in"
    client.proof_token = client.cookies["csrftoken"].value  # logging in rotates the token
    return client


def fresh_client(user, client=None) -> Client:
    """A client that has just confirmed its password on allauth's reauthentication form (export, deletion)."""
    client = client or csrf_client(user)
    if user is not None:
        post(client, reverse("account_reauthenticate"), {"password": "motdepasse-solide-42"})
        client.proof_token = client.cookies["csrftoken"].value  # logging in rotates the token
    return client


def post(client, url, data=None):
    data = dict(data or {})
    if client.proof_token:
        data["csrfmiddlewaretoken"] = client.proof_token
    return client.post(url, data)


# What each action sends, and how its effect is seen ------------------------------------------


def _comment_count(w):
    return Comment.objects.count()


def _link(w, action="approve", moderator=None):
    return moderation_url(comment=w.pending, moderator=moderator or w.moderator, action=action).split("://", 1)[1]


def _path(url):
    return url[url.index("/") :]


ACTIONS = {
    "read_post": (
        lambda c, w: c.get(w.post.get_absolute_url()),
        lambda w, r: w.approved.body in r.content.decode(),
    ),
    "read_pending": (
        lambda c, w: c.get(w.post.get_absolute_url()),
        lambda w, r: w.pending.body in r.content.decode(),
    ),
    "comment": (
        lambda c, w: post(
            c, reverse("comments:create", args=[w.post.pk]), {"body": "Un avis neuf.", "submission_key": uuid.uuid4()}
        ),
        lambda w, r: Comment.objects.filter(body="Un avis neuf.").exists(),
    ),
    "reply": (
        lambda c, w: post(
            c, reverse("comments:create", args=[w.post.pk]), {"body": "Une réponse.", "parent": w.approved.pk}
        ),
        lambda w, r: Comment.objects.filter(body="Une réponse.", parent=w.approved).exists(),
    ),
    "edit": (
        lambda c, w: post(c, reverse("comments:edit", args=[w.pending.pk]), {"body": "Réécrit par quelqu’un."}),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).body == "Réécrit par quelqu’un.",
    ),
    "edit_form": (
        lambda c, w: c.get(reverse("comments:edit", args=[w.pending.pk])),
        lambda w, r: r.status_code == 200 and w.pending.body in r.content.decode(),
    ),
    "delete": (
        lambda c, w: post(c, reverse("comments:delete", args=[w.pending.pk])),
        lambda w, r: not Comment.objects.filter(pk=w.pending.pk).exists(),
    ),
    "report": (
        lambda c, w: post(c, reverse("comments:report", args=[w.approved.pk]), {"reason": "Hors sujet."}),
        lambda w, r: Report.objects.filter(comment=w.approved).exists(),
    ),
    "report_pending": (
        lambda c, w: post(c, reverse("comments:report", args=[w.pending.pk]), {"reason": "Voir."}),
        lambda w, r: Report.objects.filter(comment=w.pending).exists(),
    ),
    "my_comments": (
        lambda c, w: c.get(reverse("comments:mine")),
        lambda w, r: r.status_code == 200 and w.pending.body in r.content.decode(),
    ),
    "admin_approve": (
        lambda c, w: post(c, reverse("admin:comments_comment_decide", args=[w.pending.pk]), {"decision": "approve"}),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).status == "approved",
    ),
    "admin_reject": (
        lambda c, w: post(c, reverse("admin:comments_comment_decide", args=[w.pending.pk]), {"decision": "reject"}),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).status == "rejected",
    ),
    "admin_bulk_approve": (
        lambda c, w: post(
            c, reverse("admin:comments_comment_changelist"), {"action": "approve", "_selected_action": [w.pending.pk]}
        ),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).status == "approved",
    ),
    "admin_ban": (
        lambda c, w: post(c, reverse("admin:accounts_user_sanction", args=[w.author.pk]), {"sanction": "ban"}),
        lambda w, r: User.objects.get(pk=w.author.pk).banned_at is not None,
    ),
    "admin_ban_staff": (
        lambda c, w: post(c, reverse("admin:accounts_user_sanction", args=[w.moderator.pk]), {"sanction": "ban"}),
        lambda w, r: User.objects.get(pk=w.moderator.pk).banned_at is not None,
    ),
    "admin_index": (lambda c, w: c.get(reverse("admin:index")), lambda w, r: r.status_code == 200),
    "admin_comment_queue": (
        lambda c, w: c.get(reverse("admin:comments_comment_changelist")),
        lambda w, r: r.status_code == 200 and "Secret en attente" in r.content.decode(),
    ),
    "admin_comment_page": (
        lambda c, w: c.get(reverse("admin:comments_comment_change", args=[w.pending.pk])),
        lambda w, r: r.status_code == 200 and "Secret en attente" in r.content.decode(),
    ),
    "admin_users": (lambda c, w: c.get(reverse("admin:accounts_user_changelist")), lambda w, r: r.status_code == 200),
    "admin_posts": (lambda c, w: c.get(reverse("admin:blog_post_changelist")), lambda w, r: r.status_code == 200),
    "admin_groups": (lambda c, w: c.get(reverse("admin:auth_group_changelist")), lambda w, r: r.status_code == 200),
    "link_view": (
        lambda c, w: c.get(_path(_link(w))),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).status != "pending",
    ),
    "link_approve": (
        lambda c, w: post(c, _path(_link(w))),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).status == "approved",
    ),
    "link_tampered": (
        lambda c, w: post(c, _path(_tampered(_link(w)))),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).status != "pending",
    ),
    "link_to_non_moderator": (
        lambda c, w: post(c, _path(_link(w, moderator=w.users["verified"]))),
        lambda w, r: Comment.objects.get(pk=w.pending.pk).status != "pending",
    ),
    "preferences": (
        lambda c, w: c.get(reverse("accounts:preferences")),
        lambda w, r: r.status_code == 200,
    ),
    "profile_of_another": (
        lambda c, w: c.get(reverse("accounts:profile", args=[w.author.pk])),
        lambda w, r: w.author.display_name in r.content.decode(),
    ),
    "export": (
        lambda c, w: post(c, reverse("accounts:data_export")),
        lambda w, r: r.status_code == 200 and r["Content-Type"].startswith("application/json"),
    ),
    "account_deletion": (
        lambda c, w: post(c, reverse("accounts:delete"), {"comments": "keep", "confirm": "on"}),
        lambda w, r: User.objects.filter(pk__in=[u.pk for u in w.users.values() if u]).count() < len(w.users) - 1,
    ),
}
# Export and deletion ask for the password again (allauth's reauthentication): those cells confirm it first.
FRESH_LOGIN = {"export", "account_deletion"}


def _tampered(path: str) -> str:
    """The same link with its signed payload made to name another comment (the signature no longer matches)."""
    head, _, token = path.rstrip("/").rpartition("/")
    value, _, rest = token.partition(":")
    payload = signing.b64_decode(value.encode()).decode().replace("[", "[1", 1)
    return f"{head}/{signing.b64_encode(payload.encode()).decode()}:{rest}/"


def _cells():
    for action, *cells in MATRIX:
        for role, cell in zip(ROLES, cells, strict=True):
            yield pytest.param(action, role, cell, id=f"{action}-{role}")


class TestMatrix:
    def test_the_table_is_whole(self):
        assert [row[0] for row in MATRIX] == list(ACTIONS)
        assert all(len(row) == len(ROLES) + 1 for row in MATRIX)

    @pytest.mark.parametrize(("action", "role", "expected"), list(_cells()))
    def test_cell(self, world, action, role, expected, request):
        send, effect = ACTIONS[action]
        user = world.users[role]
        client = log_in_by(role, user, request) if role in WAYS_IN else csrf_client(user)
        if action in FRESH_LOGIN:
            client = fresh_client(user, client)
        response = send(client, world)
        got = f"{response.status_code}{'+' if effect(world, response) else '-'}"
        assert got == expected, f"{action} as {role}: got {got}, expected {expected}"


class TestCsrf:
    @pytest.mark.parametrize("action", sorted(POST_ACTIONS))
    def test_every_post_needs_its_token(self, world, action):
        # The superuser may do everything: without the token, even they change nothing.
        send, effect = ACTIONS[action]
        role = "author" if action in {"edit", "delete"} else "verified" if action == "report" else "superuser"
        response = send(csrf_client(world.users[role], with_token=False), world)
        assert response.status_code == 403
        assert not effect(world, response)

    @pytest.mark.parametrize("action", sorted(POST_ACTIONS))
    def test_the_same_post_with_its_token_is_not_refused_for_csrf(self, world, action):
        send, _ = ACTIONS[action]
        role = "author" if action in {"edit", "delete"} else "verified" if action == "report" else "superuser"
        response = send(csrf_client(world.users[role]), world)
        assert b"CSRF" not in response.content


class TestIdGuessing:
    """Changing the id in a URL reaches nobody else's comment."""

    @pytest.fixture
    def others(self, world):
        other_pending = CommentFactory(post=world.post, body="Brouillon d’un autre 91c2.", status="pending")
        other_approved = CommentFactory(post=world.post, body="Publié par un autre.", status="approved")
        return other_pending, other_approved

    @pytest.mark.parametrize("name", ["comments:edit", "comments:delete"])
    def test_edit_and_delete_of_anothers_comment(self, world, others, name):
        client = csrf_client(world.author)
        for comment in others:
            url = reverse(name, args=[comment.pk])
            for response in (client.get(url), post(client, url, {"body": "pris"})):
                assert response.status_code == 404
            comment.refresh_from_db()
            assert comment.body != "pris"
        assert Comment.objects.filter(pk__in=[c.pk for c in others]).count() == 2

    def test_pending_of_another_is_seen_nowhere(self, world, others):
        client = csrf_client(world.author)
        pages = [
            client.get(world.post.get_absolute_url()),
            client.get(reverse("comments:mine")),
            client.get(reverse("comments:report", args=[others[0].pk])),
            client.get(reverse("comments:edit", args=[others[0].pk])),
        ]
        for page in pages:
            assert "91c2" not in page.content.decode()

    def test_an_export_holds_only_its_owners_data(self, world, others):
        response = post(fresh_client(world.users["verified"]), reverse("accounts:data_export"))
        assert response.status_code == 200
        content = response.content.decode()
        assert world.users["verified"].email in content
        for secret in ("91c2", "7f3a", world.author.email, "Publié par un autre"):
            assert secret not in content

    def test_ids_beyond_the_last(self, world):
        client = csrf_client(world.author)
        for name in ("comments:edit", "comments:delete", "comments:report"):
            assert client.get(reverse(name, args=[10**9])).status_code == 404
