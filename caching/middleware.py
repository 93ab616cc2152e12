"""The front entry's middleware: an anonymous page's last public answer, before the session is looked at.

Placed in settings.MIDDLEWARE right after WhiteNoise: the security, CSP and Permissions-Policy
middleware outside it treat its answers as any other (the CSP header names the visitor's own nonce);
everything inside it — the session, the user, messages, the URL resolver, the view and its queries —
runs only when there is no entry. What may be kept and for whom: caching/pages.py.
"""

from caching.pages import front_answer, keep_front


class FrontEntryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = front_answer(request)
        if response is None:
            response = self.get_response(request)
            keep_front(request, response)
        return response
