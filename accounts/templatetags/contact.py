"""`{% contact_link %}`: the site's contact address (settings.CAUSERIE_CONTACT_EMAIL), linked with mailto:."""

from django import template
from django.conf import settings
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def contact_link():
    """An <a href="mailto:…"> whose text is the address itself."""
    address = settings.CAUSERIE_CONTACT_EMAIL
    return format_html('<a href="mailto:{}">{}</a>', address, address)
