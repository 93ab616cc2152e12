"""Reading a feed as a reader's software would: the one parser the feed tests share."""

import feedparser
from django.urls import reverse


def parse(client, route, kwargs):
    """GET the feed at `route`, assert it answers 200 and parses cleanly; return the response and the feed."""
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed
