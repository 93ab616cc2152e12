"""A real OpenID Connect provider for the browser tests, run as a process of its own (issue 18).

A small Django project on django-oauth-toolkit's OpenID Connect provider: its own settings, its own
SQLite database in a temporary folder, an RSA key made when it starts, one confidential client (the
Causerie under test) and the people the test names, each with their ``email_verified`` claim.
``tests/oidc_provider/fixtures.py`` starts it on a free port (``python -m tests.oidc_provider``),
waits for its discovery document and stops it after the session; Causerie meets it through the
same environment variables a site owner sets (config/providers.py, docs/deploy.md).

The whole configuration comes from the environment the fixture sets:

- ``OIDC_PROVIDER_DIR``: the folder of its database and log;
- ``OIDC_PROVIDER_PORT``: the port, on 127.0.0.1 (not localhost: its cookies must not mix with
  the site's, and a browser keys cookies on the host, not the port);
- ``OIDC_PROVIDER_CLIENT``: JSON ``{"client_id", "secret", "redirect_uri"}``;
- ``OIDC_PROVIDER_PEOPLE``: JSON ``{username: {"password", "email", "email_verified", "name"}}``.
"""
