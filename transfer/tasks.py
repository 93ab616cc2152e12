"""The task worker's part of a blog import started from the admin (transfer/imports.py).

Enqueued after the commit that queued the stage, with the run's id only; the worker claims the run
(queued → running) so that a task delivered twice runs once.
"""

from django.tasks import task

from transfer.imports import import_execute


@task
def run_import(*, run_id: int) -> None:
    """One stage of an admin import: its essay (dry run) or, once confirmed, the import."""
    import_execute(run_id=run_id)
