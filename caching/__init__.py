"""Caching: what the site keeps of its reading pages, and where.

`caching.pages` holds the rules (what is cached, for whom, keyed on what, dropped when), the
only cache keys of the pages and the holes left in them; views and template tags ask it.
`caching.backends` holds the cache backends that `settings.CACHES` names.
"""
