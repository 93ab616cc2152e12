from transfer.redirects import NAMING_PARAMETERS, answer_for


class OldAddressMiddleware:
    """An imported blog's old addresses answer 301 to their new place (transfer.Redirect rows).

    `/?p=12` reaches the home page, which exists, so the root with a query naming an old post (`p`,
    `page_id`, `showComment`) is looked up before the view — the home page's own `?page=5` costs no
    query; any other address is looked up only when the site has nothing there (a 404), as
    django.contrib.redirects does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and _names_old_post(request.GET) and request.method in ("GET", "HEAD"):
            answer = answer_for(request)
            if answer is not None:
                return answer
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return answer_for(request) or response
        return response


def _names_old_post(query) -> bool:
    return any(key in query for key in NAMING_PARAMETERS)
