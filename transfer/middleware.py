from transfer.redirects import answer_for


class OldAddressMiddleware:
    """An imported blog's old addresses answer 301 to their new place (transfer.Redirect rows).

    `/?p=12` reaches the home page, which exists, so the root with a query is looked up before the
    view; any other address is looked up only when the site has nothing there (a 404), as
    django.contrib.redirects does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.GET and request.method in ("GET", "HEAD"):
            answer = answer_for(request)
            if answer is not None:
                return answer
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return answer_for(request) or response
        return response
