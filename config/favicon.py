"""/favicon.ico: browsers ask for it at the site's root, whatever the page's <link rel="icon"> says.

The icon is static/favicon.ico, served here directly rather than redirected: in production the
static file's name carries a hash, and a permanent redirect kept by a browser would outlive the
next deploy's name. Browsers and proxies may keep it a day, as robots.txt.
"""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

NAME = "favicon.ico"


def icon_bytes() -> bytes:
    """The icon from the static sources, or from the collected files where only those are deployed."""
    found = finders.find(NAME)
    if found:
        with open(found, "rb") as icon:
            return icon.read()
    with staticfiles_storage.open(NAME) as icon:
        return icon.read()


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(icon_bytes(), content_type="image/x-icon")  # WhiteNoise's type for .ico
