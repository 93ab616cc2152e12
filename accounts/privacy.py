"""What each part of the site holds about a person: the registry behind the RGPD rights.

`accounts` sits below the apps that hold content (comments), so it cannot gather their data
itself. Each of them registers, in its AppConfig.ready(), functions that take a user:

- an exporter returns JSON-serialisable data (the part of « download my data » it owns);
- an eraser removes or anonymises what it holds, before the account is deleted
  (``keep_contributions``: anonymise what others can read instead of removing it);
- a profile listener is told that the user's public name or avatar changed, so that pages
  showing them (a cached comment thread) are made again.
"""

from collections.abc import Callable
from typing import Any

_exporters: dict[str, Callable[[Any], Any]] = {}
_erasers: dict[str, Callable[..., None]] = {}
_profile_listeners: dict[str, Callable[[Any], None]] = {}


def register_exporter(name: str, fn: Callable[[Any], Any]) -> None:
    """``fn(user)`` returns the user's data held by ``name`` (registering again replaces it)."""
    _exporters[name] = fn


def register_eraser(name: str, fn: Callable[..., None]) -> None:
    """``fn(user, *, keep_contributions: bool)`` removes or anonymises the user's data held by ``name``."""
    _erasers[name] = fn


def register_profile_listener(name: str, fn: Callable[[Any], None]) -> None:
    """``fn(user)`` is called after the user's public name or avatar changed."""
    _profile_listeners[name] = fn


def exporters() -> dict[str, Callable[[Any], Any]]:
    return dict(_exporters)


def erasers() -> dict[str, Callable[..., None]]:
    return dict(_erasers)


def profile_listeners() -> dict[str, Callable[[Any], None]]:
    return dict(_profile_listeners)
