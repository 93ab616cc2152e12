"""The comment policy, in one place.

The blogs Causerie serves state it plainly: « Afin de lutter contre le spam,
les commentaires ne sont ouverts qu'aux personnes identifiées et sont soumis à
modération. » This module turns that sentence into rules, each of which says,
when it fires, why — in words a moderator (or the reader) understands.

- `refusal(user, post, policy=…)`: may this reader comment on this post at
  all? A banned or suspended author, an unverified address, a closed post are
  refused outright, with the reason; the text typed is kept by the view.
- `assess(body=…, author=…, lists=…, policy=…, text=…)`: what happens to a comment
  once written. Rules that hold (too many links, a blocked word or domain, a
  link domain never seen approved, a brand-new account, the same text again,
  personal data) hold it whatever the mode. Otherwise the mode decides:
  "hold_all" (the default, the seed blogs' rule) holds everything; "trust"
  publishes at once the authors who earned it (N approved comments and no
  rejection or spam since, or trusted by a moderator).

Each rule gives a `Reason`: a code and its parameters ({"code": "links",
"params": {"count": 3, "limit": 2}}), stored as such on a held comment
(`comments.models.HoldReason`). Its sentence (`Reason.message`) is made when it
is shown, in the reader's language: a French commenter's comment is held « 3 liens
(limite : 2) », and an English moderator reads "3 links (limit: 2)".

Rate limits need a shared counter (the cache) and live in services.py; the
functions here take plain values and decide; they read and write nothing.
"""

import functools
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from markup.render import CommentText, read_comment

HOLD_ALL = "hold_all"
TRUST = "trust"
MODES = {HOLD_ALL: "Tout retenir", TRUST: "Échelle de confiance"}

# Every reason code the policy (and the services) may give, with its short label for the admin filter.
# A comment brought in by an import (transfer/) that was waiting for a moderator on the old blog.
IMPORTED_PENDING = "imported_pending"

REASON_LABELS = {
    "hold_all": gettext_lazy("Tout est modéré"),
    "links": gettext_lazy("Trop de liens"),
    "blocked_word": gettext_lazy("Mot bloqué"),
    "blocked_domain": gettext_lazy("Domaine bloqué"),
    "unknown_domain": gettext_lazy("Domaine inconnu"),
    "new_account": gettext_lazy("Compte récent"),
    "duplicate": gettext_lazy("Doublon"),
    "iban": gettext_lazy("IBAN"),
    "card": gettext_lazy("Carte bancaire"),
    "phone": gettext_lazy("Téléphone"),
    "email": gettext_lazy("Adresse e-mail"),
    "edit": gettext_lazy("Modification"),
    "reported": gettext_lazy("Signalements"),
    "honeypot": gettext_lazy("Robot (champ piège)"),
    IMPORTED_PENDING: gettext_lazy("Importé, en attente"),
    "trusted": gettext_lazy("Auteur de confiance"),
    "moderator": gettext_lazy("Modérateur"),
    "undone": gettext_lazy("Décision annulée"),
    "post_author": gettext_lazy("Auteur du billet"),
}
STAFF_ROLES = frozenset({"moderator", "post_author"})
# The permission every moderation decision needs (`comments.decisions` offers the decisions).
MODERATE_PERMISSION = "comments.moderate_comment"

PERSONAL_DATA_MESSAGES = {
    "iban": gettext_lazy("IBAN détecté"),
    "card": gettext_lazy("numéro de carte bancaire détecté"),
    "phone": gettext_lazy("numéro de téléphone détecté"),
    "email": gettext_lazy("adresse e-mail détectée"),
}

# Each reason's sentence, made from its parameters in the active language when it is shown.
MESSAGES: dict[str, Callable[[Mapping], str]] = {
    # Who may comment (`refusal`, `sanction`, `comments_closed`): shown at once, never stored.
    "login": lambda p: _("Connectez-vous pour commenter."),
    "unverified": lambda p: _("Confirmez votre adresse e-mail pour pouvoir commenter."),
    "inactive": lambda p: _("Ce compte est désactivé."),
    "banned": lambda p: _("Votre compte n’est plus autorisé à commenter."),
    "suspended": lambda p: _("Votre compte est suspendu jusqu’au %(date)s.") % {"date": p["date"]},
    "unpublished": lambda p: _("Ce billet n’est pas publié."),
    "closed": lambda p: _("Les commentaires sont fermés pour ce billet."),
    "closed_after": lambda p: (
        ngettext(
            "Les commentaires se ferment %(days)d jour après la publication.",
            "Les commentaires se ferment %(days)d jours après la publication.",
            p["days"],
        )
        % {"days": p["days"]}
    ),
    # What happens to a comment (`assess`, and the services): stored with the comment.
    "hold_all": lambda p: _("tous les commentaires sont soumis à modération"),
    "moderator": lambda p: _("écrit par un modérateur : publié sans attente"),
    "undone": lambda p: _("décision annulée par %(name)s, de retour dans la file") % {"name": p.get("name", "")},
    "post_author": lambda p: _("écrit par l’auteur du billet : publié sans attente"),
    "trusted": lambda p: (
        ngettext(
            "auteur de confiance : %(count)d commentaire approuvé sans refus",
            "auteur de confiance : %(count)d commentaires approuvés sans refus",
            p["count"],
        )
        % {"count": p["count"]}
        if "count" in p
        else _("auteur de confiance (choisi par un modérateur)")
    ),
    "links": lambda p: (
        ngettext("%(count)d lien (limite : %(limit)d)", "%(count)d liens (limite : %(limit)d)", p["count"])
        % {"count": p["count"], "limit": p["limit"]}
    ),
    "blocked_word": lambda p: _("mot bloqué : %(word)s") % {"word": p["word"]},
    "blocked_domain": lambda p: _("domaine bloqué : %(domain)s") % {"domain": p["domain"]},
    "unknown_domain": lambda p: _("lien vers un domaine jamais approuvé : %(domain)s") % {"domain": p["domain"]},
    "new_account": lambda p: (
        ngettext("compte créé il y a %(n)d minute", "compte créé il y a %(n)d minutes", p["minutes"])
        % {"n": p["minutes"]}
    ),
    "duplicate": lambda p: _("même texte qu’un commentaire récent du même auteur"),
    **{kind: (lambda p, kind=kind: str(PERSONAL_DATA_MESSAGES[kind])) for kind in PERSONAL_DATA_MESSAGES},
    "edit": lambda p: _("modification d’un commentaire publié"),
    "reported": lambda p: (
        ngettext("%(n)d signalement de lecteur", "%(n)d signalements de lecteurs", p["count"]) % {"n": p["count"]}
    ),
    "honeypot": lambda p: _("champ piège rempli (robot)"),
    IMPORTED_PENDING: lambda p: _("importé : en attente sur l’ancien site"),
}


@dataclass(frozen=True)
class Reason:
    """Why a rule fired: a code and its parameters, stored as they are; the sentence is made when shown."""

    code: str
    params: Mapping = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """The sentence, in the active language (a reason stored before codes had parameters keeps its text)."""
        render = MESSAGES.get(self.code)
        if render is not None:
            try:
                return render(self.params)
            except (KeyError, TypeError, ValueError):
                pass
        return str(self.params.get("text") or REASON_LABELS.get(self.code, self.code))

    def as_dict(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Verdict:
    status: str  # a Comment.Status value
    reasons: tuple[Reason, ...] = ()

    @property
    def held(self) -> bool:
        return self.status == "pending"


@dataclass(frozen=True)
class Policy:
    mode: str = HOLD_ALL
    trust_threshold: int = 3
    max_links: int = 2
    min_account_age: timedelta = timedelta(minutes=10)
    duplicate_window: timedelta = timedelta(hours=24)
    resend_window: timedelta = timedelta(minutes=10)
    close_after: timedelta | None = None
    rate_per_minute: int = 3
    rate_per_hour: int = 20
    max_depth: int = 3
    edit_window: timedelta = timedelta(minutes=15)
    report_threshold: int = 3
    staff_at_once: bool = True  # moderators' and the post's author's comments are not held

    @classmethod
    def from_settings(cls) -> "Policy":
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return cls(
            mode=settings.COMMENTS_MODERATION_MODE,
            trust_threshold=settings.COMMENTS_TRUST_THRESHOLD,
            max_links=settings.COMMENTS_MAX_LINKS,
            min_account_age=timedelta(minutes=settings.COMMENTS_MIN_ACCOUNT_AGE_MINUTES),
            duplicate_window=timedelta(hours=settings.COMMENTS_DUPLICATE_WINDOW_HOURS),
            resend_window=timedelta(minutes=settings.COMMENTS_RESEND_WINDOW_MINUTES),
            close_after=timedelta(days=days) if days > 0 else None,
            rate_per_minute=settings.COMMENTS_RATE_PER_MINUTE,
            rate_per_hour=settings.COMMENTS_RATE_PER_HOUR,
            max_depth=settings.COMMENTS_MAX_DEPTH,
            edit_window=timedelta(minutes=settings.COMMENTS_EDIT_MINUTES),
            report_threshold=settings.COMMENTS_REPORT_THRESHOLD,
            staff_at_once=settings.COMMENTS_STAFF_PUBLISH_AT_ONCE,
        )

    @property
    def mode_label(self) -> str:
        return MODES.get(self.mode, self.mode)


@dataclass(frozen=True)
class AuthorRecord:
    """What the policy needs to know of an author, gathered by the service."""

    account_age: timedelta
    trusted: bool = False
    approved_since_last_refusal: int = 0  # counted by the service only where `assess` reads it (trust mode)
    recent_bodies: tuple[str, ...] = ()
    role: str = ""  # "moderator" or "post_author": published at once where the policy says so


@dataclass(frozen=True)
class SiteLists:
    blocked_words: frozenset[str] = field(default_factory=frozenset)
    blocked_domains: frozenset[str] = field(default_factory=frozenset)
    known_domains: frozenset[str] = field(default_factory=frozenset)


# Who may comment ------------------------------------------------------------


def counts_against_rate_limit(user) -> bool:
    """Whether the per-author rate limit applies to `user`: to everyone but moderators, who answer readers
    one after the other from the desk (and whose account may publish anything anyway)."""
    return not (user.is_staff and user.has_perm(MODERATE_PERMISSION))  # a reader costs no permission query


def refusal(user, post, *, policy: Policy | None = None, now=None) -> Reason | None:
    """Why `user` may not comment on `post`, or None when they may."""
    policy = policy or Policy.from_settings()
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        return Reason("login")
    barred = sanction(user, now=now)
    if barred:
        return barred
    closed = comments_closed(post, policy=policy, now=now)
    if closed:
        return closed
    if not user.has_verified_email():
        return Reason("unverified")
    return None


def sanction(user, *, now=None) -> Reason | None:
    """Why this account may take no part (comment, report), or None: deactivated, banned or suspended."""
    if not user.is_active:
        return Reason("inactive")
    if getattr(user, "is_banned", False):
        return Reason("banned")
    if user.is_suspended(now or timezone.now()):
        until = timezone.localtime(user.suspended_until).strftime("%d/%m/%Y à %H:%M")
        return Reason("suspended", {"date": until})
    return None


def comments_closed(post, *, policy: Policy, now) -> Reason | None:
    if not post.is_published:
        return Reason("unpublished")
    if not post.comments_open:
        return Reason("closed")
    if policy.close_after is not None and post.published_at + policy.close_after <= now:
        return Reason("closed_after", {"days": policy.close_after.days})
    return None


# What happens to a comment --------------------------------------------------


def assess(
    *, body: str, author: AuthorRecord, lists: SiteLists, policy: Policy, text: CommentText | None = None
) -> Verdict:
    """Hold, or publish, a new comment; the reasons say why.

    `text` is the body already read (`markup.render.read_comment`: its links and personal data);
    the services pass it so that a comment is parsed and scanned once.
    """
    if policy.staff_at_once and author.role in STAFF_ROLES:
        return Verdict("approved", (Reason(author.role),))
    reasons = holding_reasons(body=body, author=author, lists=lists, policy=policy, text=text)
    if reasons:
        return Verdict("pending", tuple(reasons))
    if policy.mode == TRUST:
        if author.trusted:
            return Verdict("approved", (Reason("trusted"),))
        if author.approved_since_last_refusal >= policy.trust_threshold:
            return Verdict("approved", (Reason("trusted", {"count": author.approved_since_last_refusal}),))
    return Verdict("pending", (Reason(HOLD_ALL),))


def holding_reasons(
    *, body: str, author: AuthorRecord, lists: SiteLists, policy: Policy, text: CommentText | None = None
) -> list[Reason]:
    """Every rule that holds this text for a moderator, whatever the mode."""
    text = text or read_comment(body)
    reasons: list[Reason] = []
    count = len(text.links)
    if count > policy.max_links:
        reasons.append(Reason("links", {"count": count, "limit": policy.max_links}))
    for word in sorted(blocked_words_in(body, lists.blocked_words)):
        reasons.append(Reason("blocked_word", {"word": word}))
    for domain in text.link_domains:
        blocked = matching_domain(domain, lists.blocked_domains)
        if blocked:
            reasons.append(Reason("blocked_domain", {"domain": blocked}))
        elif not matching_domain(domain, lists.known_domains):
            reasons.append(Reason("unknown_domain", {"domain": domain}))
    if author.account_age < policy.min_account_age:
        reasons.append(Reason("new_account", {"minutes": int(author.account_age.total_seconds() // 60)}))
    if normalized(body) in {normalized(previous) for previous in author.recent_bodies}:
        reasons.append(Reason("duplicate"))
    reasons += [Reason(kind) for kind in text.personal_data_kinds]
    return reasons


# A resend: the statuses of an earlier comment that a new one with the same text is taken for.
RESENT_STATUSES = frozenset({"pending", "approved"})


def is_resend(body: str, *, earlier_body: str, earlier_status: str, earlier_age: timedelta, policy: Policy) -> bool:
    """Is `body` the author's earlier comment (same post, same place) sent again, not a new one?

    The same text, once normalized (`normalized`: case, accents, punctuation, spaces), within
    `policy.resend_window`: the browser's Back button restores a sent form, and Send stores it
    twice. Only a comment still waiting or published counts: a text refused or filed as spam
    goes through the policy again (and is held as a duplicate), so that its author is never
    shown a refused comment as « déjà envoyé ».
    """
    return (
        earlier_status in RESENT_STATUSES
        and earlier_age <= policy.resend_window
        and normalized(body) == normalized(earlier_body)
    )


@functools.lru_cache(maxsize=4096)  # an author's recent texts come back at each of their comments
def normalized(text: str) -> str:
    """Lowercase, accents and punctuation dropped, spaces folded: how texts are compared and words found."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def blocked_words_in(body: str, blocked_words: frozenset[str]) -> set[str]:
    words = f" {normalized(body)} "
    return {word for word in blocked_words if f" {normalized(word)} " in words}


def matching_domain(domain: str, candidates: frozenset[str]) -> str | None:
    """The candidate that `domain` is, or is a subdomain of (www.casino.example → casino.example)."""
    domain = domain.lower().removeprefix("www.")
    for candidate in candidates:
        candidate = candidate.lower().removeprefix("www.")
        if domain == candidate or domain.endswith(f".{candidate}"):
            return candidate
    return None


class RefusalPreset(TextChoices):
    """The reasons a moderator picks from a list to refuse a comment: stored as a code, worded when shown,
    in the reader's language (the moderator's own words, beside it, stay as written)."""

    OFF_TOPIC = "off_topic", gettext_lazy("Hors sujet")
    ABUSIVE = "abusive", gettext_lazy("Propos injurieux ou agressifs")
    ADVERTISING = "advertising", gettext_lazy("Publicité ou spam déguisé")
    PERSONAL_DATA = "personal_data", gettext_lazy("Données personnelles")
    DUPLICATE = "duplicate", gettext_lazy("Doublon")
