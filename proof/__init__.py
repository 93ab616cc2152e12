"""`make proof`: Causerie under floods, concurrency and outages, on the real stack (see proof/stack.py).

    python -m proof.flood         one account, one address: 1,000 comments, sign-ups, logins, admin logins
    python -m proof.concurrency   50 commenters at once: every acknowledged comment stored exactly once
    python -m proof.outage        PostgreSQL stopped and started under load; Redis stopped
    python -m proof.scale         two app servers, a replica, one Redis (make proof-scale; see proof/scale/)

Each prints its figures and exits non-zero when a promise is broken.
"""
