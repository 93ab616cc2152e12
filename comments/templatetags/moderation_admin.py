"""Template tags of the moderation admin (the index's queue-health panel)."""

from django import template

from comments import admin_stats, moderation

register = template.Library()


@register.simple_tag
def queue_health():
    """The figures of `admin_stats.queue_health()`, for `{% queue_health as health %}`."""
    return admin_stats.queue_health()


@register.simple_tag
def moderation_policy():
    """The policy in force, for `{% moderation_policy as policy %}`."""
    return moderation.Policy.from_settings()


@register.filter
def short_duration(delta):
    return admin_stats.short_duration(delta)
