"""`make proof-scale`: Causerie on two app servers behind nginx, a PostgreSQL streaming replica, one Redis
and one task worker, all started on 127.0.0.1 (ports 18000–18999) and stopped by the proof itself.

    python -m proof.scale [--only journey,limits,invalidation,figures,faults] [--seconds 30] [--commenters 50]

1. journey        sign up on A, confirm and log in on B, comment through nginx (seen pending at once, on
                  every server), approved on A, seen by an anonymous reader through nginx in time
2. limits         one commenter's flood and one account's wrong passwords, alternating A and B: one limit
3. invalidation   an approval on A reaches B's and nginx's anonymous pages within the stated bound
4. faults         server B killed under 50 commenters; the replica stopped and started under load;
                  Redis stopped (proof/outage.py's promises, on both servers)
5. figures        requests per second with one server and two, queries per page on each alias, the
                  replica's lag under the comment load, the read-your-writes window

Each check prints one PASS or FAIL line with its figures; the exit status is 0 only when all hold.
The stack is in proof/scale/stack.py (nginx from docs/deploy.md: proof/scale/nginx.py; the replica:
proof/scale/postgres.py).
"""
