"""The rows a post's import adds besides the post itself — its Source and its old addresses — written in bulk.

A new post's `Source` row and its `Redirect` rows wait here and go in a few queries for many posts
(`flush`, at every batch of comments and at the end), instead of three round trips per post. Nothing
reads them back during the import: the importer keeps the sources in memory, and an old address is
taken by the first post that claims it, in the file's order, as `get_or_create` one by one did.
"""

from collections.abc import Callable

from blog.models import Post
from transfer.models import Redirect, Source

SIZE = 500  # sources and old addresses written together
POSTS = 100  # new posts written together


class NewPosts:
    """New posts written SIZE at a time, in one INSERT; `then(post, entry, fingerprint)` runs for each once it has
    its id (its terms, source, old addresses and comments follow it). Each post's derived fields are made as its
    save() would (`Post.derive`)."""

    def __init__(self, then: Callable):
        self.then = then
        self.waiting: list[tuple] = []

    def add(self, post: Post, entry, fingerprint: str) -> None:
        self.waiting.append((post, entry, fingerprint))
        if len(self.waiting) >= POSTS:
            self.flush()

    def flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        for post, _entry, _fingerprint in waiting:
            post.derive()
        Post.objects.bulk_create([post for post, _entry, _fingerprint in waiting])
        for post, entry, fingerprint in waiting:
            self.then(post, entry, fingerprint)


class PostRows:
    def __init__(self, report):
        self.report = report
        self.sources: list[Source] = []
        self.redirects: dict[str, int] = {}  # old path -> the post that claimed it first in this file
        self.claims: list[tuple[str, int]] = []  # (old path, post id), every claim, in order

    def add_source(self, source: Source) -> None:
        self.sources.append(source)
        if len(self.sources) >= SIZE:
            self.flush()

    def add_redirects(self, post_id: int, paths: list[str]) -> None:
        """The post's old addresses; each is counted unless another post already answers there."""
        for path in dict.fromkeys(path[:500] for path in paths):
            self.redirects.setdefault(path, post_id)
            self.claims.append((path, post_id))
        if len(self.claims) >= SIZE:
            self.flush()

    def flush(self) -> None:
        Source.objects.bulk_create(self.sources, batch_size=SIZE)
        self.sources = []
        if not self.claims:
            return
        known = dict(Redirect.objects.filter(old_path__in=list(self.redirects)).values_list("old_path", "post_id"))
        Redirect.objects.bulk_create(
            [Redirect(old_path=path, post_id=post_id) for path, post_id in self.redirects.items() if path not in known],
            batch_size=SIZE,
        )
        owners = {**self.redirects, **known}
        self.report.redirects += sum(1 for path, post_id in self.claims if owners[path] in (post_id, None))
        self.redirects, self.claims = {}, []
