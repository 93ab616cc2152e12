import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from blog.models import Category, Post
from comments.models import Comment


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


class ModeratorFactory(UserFactory):
    display_name = factory.Sequence(lambda n: f"Modérateur {n}")
    is_staff = True

    @factory.post_generation
    def moderators_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name="Modérateurs"))


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

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Commentaire {n}, fort pertinent.")
    status = Comment.Status.PENDING
