"""Background e-mail delivery.

Mail is rendered on the request (templates need the request and the user's
language) and delivered by a task, so that in production no SMTP round-trip
happens on the request path: the `db_worker` process sends it.
"""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task
def deliver_email(*, subject: str, body: str, to: list[str], from_email: str, html: str = "") -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def enqueue_email(message) -> None:
    """Queue an already rendered EmailMessage for delivery by the task worker."""
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    if getattr(message, "content_subtype", "plain") == "html" and not html:
        html = message.body
    deliver_email.enqueue(
        subject=str(message.subject),
        body=message.body,
        to=list(message.to),
        from_email=message.from_email,
        html=html,
    )
