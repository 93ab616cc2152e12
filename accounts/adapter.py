from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from accounts.tasks import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's e-mail now, deliver it through the task worker."""
        request = allauth_context.request
        site = get_current_site(request)
        site.name = "Causerie"  # without django.contrib.sites, the name would be the host name
        ctx = {"request": request, "email": email, "current_site": site}
        ctx.update(context)
        enqueue_email(self.render_mail(template_prefix, email, ctx))
