from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation

from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

# The Chromium fixtures, shared by tests/e2e, tests/security and tests/config; the stand-in OpenID Connect
# provider (in process) and the real one (a process of its own, tests/oidc_provider/).
pytest_plugins = ["tests.browser", "tests.social", "tests.oidc_provider.fixtures"]


@pytest.fixture
def reader(db):
    """A reader with a verified e-mail address: allowed to comment."""
    return UserFactory(display_name="Claire Lectrice")


@pytest.fixture
def unverified_reader(db):
    return UserFactory(display_name="Paul Pressé", verified=False)


@pytest.fixture
def moderator(db):
    return ModeratorFactory(display_name="Mina Modératrice")


@pytest.fixture
def post(db):
    return PostFactory(title="Les banques et les réseaux sociaux", slug="banques-reseaux-sociaux")


@pytest.fixture
def pending_comment(post, reader):
    return CommentFactory(post=post, author=reader, body="Mon avis, en attente.")


@pytest.fixture
def posts_with_0_1_2_comments(moderator):
    """Three posts, newest first on the home page, with 0, 1 and 2 comments published by a moderator."""
    from comments.services import comment_approve

    now, posts = timezone.now(), []
    for count in (0, 1, 2):
        post = PostFactory(published_at=now - timedelta(hours=1 + count))
        for comment in CommentFactory.create_batch(count, post=post):
            comment_approve(comment=comment, moderator=moderator)
        posts.append(post)
    return posts


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for attackers, not for the test suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits (allauth's among them) live in the cache, threads and page frames in each
    # process's own: each test starts afresh (a new test may reuse a post's id and version).
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _french_to_start_with():
    # A request to an /en/ page leaves English active in the test's thread (the test client runs
    # the view there): each test starts in the site's default language, as every request does.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A `replica` alias, built as DATABASE_REPLICA_URL builds it, mirroring the test database (Django's
    `TEST: {"MIRROR": "default"}`): tests/config/test_replica.py routes reads to it; no router elsewhere."""
    import os

    from django.db import connections

    from config.settings import replica_database

    if "replica" not in settings.DATABASES:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{settings.BASE_DIR / 'db.sqlite3'}"
        settings.DATABASES["replica"] = replica_database(url)
        connections.__dict__.pop("settings", None)  # read DATABASES again, the new alias with it


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"
