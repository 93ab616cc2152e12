import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import User
from blog.models import Category, Post
from comments.models import Comment, HoldReason


class UserFactory(factory.django.DjangoModelFactory):
    """A reader whose e-mail address is verified (pass verified=False for one who has not clicked the link)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"lecteur{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Lecteur {n}")
    password = factory.django.Password("motdepasse-solide-42")
    # An established reader by default: the policy holds brand-new accounts.
    date_joined = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=30))

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=extracted is not False)


# What the data migrations give the "Modérateurs" group (comments 0002 and 0004). Browser tests flush
# the database, data migrations' rows included, so the factory makes the group again when it is gone;
# tests/comments/test_admin.py checks what the migrations themselves grant.
MODERATOR_PERMISSIONS = [
    ("comments", "view_comment"),
    ("comments", "moderate_comment"),
    ("comments", "view_report"),
    ("comments", "view_blockedterm"),
    ("comments", "add_blockedterm"),
    ("comments", "change_blockedterm"),
    ("comments", "delete_blockedterm"),
    ("accounts", "view_user"),
    ("accounts", "sanction_user"),
]


def moderators_group():
    group, created = Group.objects.get_or_create(name="Modérateurs")
    if created:
        for app_label, codename in MODERATOR_PERMISSIONS:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


class ModeratorFactory(UserFactory):
    display_name = factory.Sequence(lambda n: f"Modérateur {n}")
    is_staff = True

    @factory.post_generation
    def moderators_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(moderators_group())


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Catégorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Billet numéro {n}")
    slug = factory.Sequence(lambda n: f"billet-{n}")
    author = factory.SubFactory(UserFactory)
    body = "Premier paragraphe du billet.\n\nSecond paragraphe."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Commentaire {n}, fort pertinent.")
    status = Comment.Status.PENDING

    @factory.post_generation
    def hold_reasons(comment, create, reasons, **kwargs):
        """`hold_reasons=[{"code": …, "params": {…}}, …]`: the comment's reasons, stored as the services do."""
        if create and reasons:
            HoldReason.objects.bulk_create(
                [
                    HoldReason(comment=comment, position=n, code=r["code"], params=r.get("params", {}))
                    for n, r in enumerate(reasons)
                ]
            )
