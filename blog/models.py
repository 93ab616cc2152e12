import functools
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connections, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from markup.render import reading_minutes, render_post, render_post_html


class CategoryManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Category(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("catégorie parente"),
    )

    objects = CategoryManager()

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Tag(models.Model):
    name = models.CharField(_("nom"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    objects = CategoryManager()  # the same natural key: the slug

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


def cover_upload_to(post, filename: str) -> str:
    """Server-made names: the uploaded file's own name never reaches the disk."""
    return f"covers/{uuid.uuid4().hex}.jpg"


# Columns a logged-in reader's post lookup (`published_at_slug(…, reader=…)`) carries besides the post's own,
# so that what the page asks about that reader comes back in the same round trip: name -> a function of the
# reader's id giving an SQL expression over the post's row ("blog_post".id) and its parameters. blog knows
# nothing of comments: comments/apps.py registers whether the reader has rows of their own on the post.
READER_COLUMNS: dict[str, Callable[[int], tuple[str, list]]] = {}


@functools.cache
def _post_columns() -> tuple[str, list[str], str]:
    """The post table, its fields' attribute names and its columns, in the model's order (`published_at_slug`)."""
    fields = Post._meta.concrete_fields
    table = Post._meta.db_table
    return table, [f.attname for f in fields], ", ".join(f'"{table}"."{f.column}"' for f in fields)


_converters_by_alias: dict[str, list] = {}


def _post_converters(connection) -> list:
    """(index, converters, expression) of each column of `_post_columns` whose value the database backend or the
    field converts (dates on SQLite, JSON…): what a queryset's compiler works out for every query, once per alias."""
    found = _converters_by_alias.get(connection.alias)
    if found is None:
        found = []
        for index, field in enumerate(Post._meta.concrete_fields):
            expression = field.get_col(Post._meta.db_table)
            converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if converters:
                found.append((index, converters, expression))
        _converters_by_alias[connection.alias] = found
    return found


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts readers may see: published status and a publication date that is past.

        Pages (``kind="page"``) are left out: they are reached by their own address, never listed
        on the home page, the archives, the feeds, the sitemap or in search.
        """
        return self.filter(kind=Post.Kind.POST, status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def readable(self):
        """Published posts and pages alike: what a reader may open (and comment on) at its own address."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def published_pages(self):
        """Standalone pages readers may see (published, date past): each at its own address."""
        return self.filter(kind=Post.Kind.PAGE, status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def published_at_slug(self, slug: str, *, kind: str, reader: int | None = None) -> list["Post"]:
        """The post (or page, by `kind`) at `slug` that `published()` (or `published_pages()`) would give, if any;
        for a logged-in `reader` (their id) each of READER_COLUMNS too, as an attribute of the post, and
        `read_for`, that id.

        Written in SQL, and its row made into a Post by `from_db` with the fields' converters worked out once, as it
        runs on every post page, a logged-in reader's included: compiling the ORM's four conditions took twice as
        long as running the query (0.75 against 0.37 ms on PostgreSQL), and a raw queryset's mapping of the
        columns to the fields 0.15 ms more than the query. tests/blog/test_published_at_slug.py holds it to the
        same rule as `published()` and `published_pages()`, field by field.
        """
        table, attnames, columns = _post_columns()
        extra, extra_params = ("", []) if reader is None else (", %s AS read_for", [reader])
        for name, column in READER_COLUMNS.items() if reader is not None else ():
            sql, params = column(reader)
            extra += f", ({sql}) AS {name}"
            extra_params += params
        connection = connections[self.db]
        # On PostgreSQL, prepared on each connection: planned once, not on every page (config/postgresql/base.py).
        with getattr(connection, "preparing_cursor", connection.cursor)() as cursor:
            cursor.execute(
                f'SELECT {columns}{extra} FROM "{table}" '  # noqa: S608 — the model's columns, registered SQL
                "WHERE slug = %s AND kind = %s AND status = %s AND published_at <= %s",
                [*extra_params, slug, kind, Post.Status.PUBLISHED, timezone.now()],
            )
            rows = cursor.fetchall()
        return [self._post_from_row(row, connection, attnames, reader is not None) for row in rows]

    def _post_from_row(self, row, connection, attnames: list[str], for_reader: bool) -> "Post":
        values = list(row[: len(attnames)])
        for index, converters, expression in _post_converters(connection):
            for convert in converters:
                values[index] = convert(values[index], expression, connection)
        post = self.model.from_db(self.db, attnames, values)
        if for_reader:
            for name, value in zip(["read_for", *READER_COLUMNS], row[len(attnames) :], strict=True):
                setattr(post, name, value)
        return post

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def fingerprint(self) -> str:
        """A string that changes whenever a list of these posts would show something else.

        Which posts (their number and ids), the latest edit, and every post's comments
        version: one aggregate query, for the home page's ETag and cache key.
        """
        state = self.aggregate(
            n=models.Count("pk"),
            ids=models.Sum("pk"),
            edited=models.Max("updated_at"),
            comments=models.Sum("comments_version"),
        )
        edited = state["edited"].timestamp() if state["edited"] else 0
        return f"{state['n']}.{state['ids'] or 0}.{edited}.{state['comments'] or 0}"


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")

    class Kind(models.TextChoices):
        POST = "post", _("Billet")
        PAGE = "page", _("Page")

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown")
        HTML = "html", _("HTML (importé)")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("Partie de l’adresse du billet."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts", verbose_name=_("auteur")
    )
    body = models.TextField(
        _("texte"), help_text=_("En Markdown. Le HTML saisi est affiché tel quel, jamais interprété.")
    )
    body_format = models.CharField(
        _("format du texte"),
        max_length=8,
        choices=BodyFormat,
        default=BodyFormat.MARKDOWN,
        help_text=_("Markdown pour les billets écrits ici ; HTML (nettoyé) pour les billets importés d’un autre blog."),
    )
    body_html = models.TextField(_("texte mis en forme"), editable=False)
    kind = models.CharField(
        _("type"),
        max_length=4,
        choices=Kind,
        default=Kind.POST,
        help_text=_("Une page a sa propre adresse, hors de l’accueil, des archives, des flux et de la recherche."),
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("date de publication"),
        default=timezone.now,
        help_text=_("Visible une fois publié et cette date passée."),
    )
    comments_open = models.BooleanField(_("commentaires ouverts"), default=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="posts", verbose_name=_("catégories"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("mots-clés"))
    cover = models.ImageField(
        _("image de couverture"),
        upload_to=cover_upload_to,
        blank=True,
        help_text=_("JPEG, PNG ou WebP. Réduite en plusieurs largeurs (WebP et JPEG) à l’enregistrement."),
    )
    cover_alt = models.CharField(
        _("texte alternatif de l’image"),
        max_length=250,
        blank=True,
        help_text=_("Obligatoire avec une image : ce qu’elle montre, pour qui ne la voit pas."),
    )
    cover_renditions = models.JSONField(
        _("déclinaisons de l’image"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Les fichiers réduits de l’image de couverture, par format et par largeur."),
    )
    reading_minutes = models.PositiveSmallIntegerField(_("temps de lecture (minutes)"), default=1, editable=False)
    approved_comment_count = models.PositiveIntegerField(
        _("commentaires approuvés"),
        default=0,
        editable=False,
        help_text=_("Tenu à jour par la modération des commentaires."),
    )
    comments_version = models.PositiveIntegerField(
        _("version des commentaires"),
        default=0,
        editable=False,
        help_text=_(
            "Augmente à chaque changement des commentaires publiés (approbation, modification, retrait, "
            "remise en file) : la page du billet en cache est alors refaite."
        ),
    )
    comments_changed_at = models.DateTimeField(
        _("commentaires changés le"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Date du dernier de ces changements."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("billet")
        verbose_name_plural = _("billets")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="blog_post_status_pub_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cover="") | ~models.Q(cover_alt=""),
                name="blog_post_cover_has_alt",
                violation_error_message=_("Une image de couverture demande son texte alternatif."),
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        name = "blog:page_detail" if self.kind == self.Kind.PAGE else "blog:post_detail"
        return reverse(name, kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["accounts.user", "blog.category"]

    def derive(self) -> None:
        """The fields made from the body (its HTML, its reading time): save() makes them; a bulk_create asks."""
        self.body_html = self.render_body()
        self.reading_minutes = reading_minutes(self.body)

    def render_body(self) -> str:
        """The body as readers see it: Markdown rendered, or imported HTML sanitized (both through markup/)."""
        if self.body_format == self.BodyFormat.HTML:
            return render_post_html(self.body)
        return render_post(self.body)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_page(self) -> bool:
        return self.kind == self.Kind.PAGE

    @property
    def last_changed_at(self):
        """When what the post page shows last changed: the post edited, or its published comments."""
        return max(filter(None, (self.updated_at, self.comments_changed_at)))
