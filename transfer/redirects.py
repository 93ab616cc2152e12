"""Old addresses looked up: the path (with its query for `/?p=12`) of a request, against Redirect rows."""

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.http import HttpResponsePermanentRedirect

from transfer.models import Redirect

# The query parameters that name a post on the old blogs; any other (utm_…) is ignored.
NAMING_PARAMETERS = ("p", "page_id", "showComment")


def old_address(url: str) -> str:
    """An old blog's URL as a Redirect row's `old_path`: the path, with only the query parameters that name
    something (`/2010/11/slug.html?showComment=1291062944027`), as `candidates` looks them up."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    named = [(key, query[key]) for key in NAMING_PARAMETERS if query.get(key)]
    path = parts.path or "/"
    return (f"{path}?{urlencode(named)}" if named else path)[:500]


def candidates(path: str, query) -> list[str]:
    """The old addresses a request may stand for, most precise first."""
    named = [(key, query.get(key)) for key in NAMING_PARAMETERS if query.get(key)]
    found = [f"{path}?{urlencode(named)}"] if named else []
    found.append(path)
    if not path.endswith("/"):
        found.append(f"{path}/")
    return found


def answer_for(request):
    """A 301 to the new address of what `request` asked for on the old blog, or None."""
    paths = candidates(request.path, request.GET)
    rows = {row.old_path: row for row in Redirect.objects.filter(old_path__in=paths).select_related("post")}
    for path in paths:
        row = rows.get(path)
        if row is not None and (row.post_id is None or row.post.status == row.post.Status.PUBLISHED):
            return HttpResponsePermanentRedirect(row.location())
    return None
