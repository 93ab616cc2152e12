"""Where an avatar comes from: the user's uploaded files, or initials on a colour of their own."""

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import escape

from accounts.models import AVATAR_SIZES


def initials(name: str) -> str:
    """Up to two letters or digits: the first of the first two words ("" when there is none)."""
    letters = [next((c for c in word if c.isalnum()), "") for word in name.split()]
    return "".join(c for c in letters if c)[:2].upper()


def hue(user_id: int) -> int:
    """A colour per account, spread round the colour wheel by the golden angle."""
    return (int(user_id or 0) * 137) % 360


def default_avatar_url(user) -> str:
    return reverse(
        "accounts:default_avatar", kwargs={"hue": hue(user.pk), "initials": initials(user.display_name) or "-"}
    )


def default_avatar_svg(letters: str, colour: int) -> str:
    """The generated avatar: `letters` escaped, white on a dark enough colour to read (contrast ≥ 4.5)."""
    text = escape(letters[:2])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f'<rect width="64" height="64" fill="hsl({colour % 360}, 45%, 30%)"/>'
        '<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="#fff" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="26">{text}</text>'
        "</svg>"
    )


def avatar_urls(user, size: int) -> tuple[str, str]:
    """(url for `size` pixels, url for twice that or "") of the user's avatar."""
    if not getattr(user, "avatar", ""):
        return default_avatar_url(user), ""
    one = next((s for s in AVATAR_SIZES if s >= size), AVATAR_SIZES[-1])
    two = next((s for s in AVATAR_SIZES if s >= 2 * size), AVATAR_SIZES[-1])
    url = default_storage.url(user.avatar_name(one))
    return url, (default_storage.url(user.avatar_name(two)) if two != one else "")
