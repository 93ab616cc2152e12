"""What an import did, counted as the JSON report says (docs/import-export.md)."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass
class Report:
    format: str = ""
    dry_run: bool = False
    site: str = ""
    posts: Counter = field(default_factory=lambda: Counter({"published": 0, "draft": 0, "scheduled": 0}))
    pages: int = 0
    comments: Counter = field(default_factory=lambda: Counter({"approved": 0, "pending": 0, "spam": 0, "rejected": 0}))
    skipped: Counter = field(default_factory=lambda: Counter({"pingback": 0, "trackback": 0}))
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # edited here since the last import: left as they are
    commenters: Counter = field(default_factory=lambda: Counter({"claimable": 0, "name_only": 0}))
    redirects: int = 0
    media: Counter = field(default_factory=lambda: Counter({"copied": 0, "missing": 0}))
    unmatched_threads: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(str(message))

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "site": self.site,
            "posts": dict(self.posts),
            "pages": self.pages,
            "comments": dict(self.comments),
            "skipped": dict(self.skipped),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kept": list(self.kept),
            "commenters": dict(self.commenters),
            "redirects": self.redirects,
            "media": dict(self.media),
            "unmatched_threads": self.unmatched_threads,
            "warnings": list(self.warnings),
        }

    def lines(self) -> list[str]:
        """The report in the active language, for a person at a terminal."""
        posts, comments = self.posts, self.comments
        lines = [
            _("Format : %(format)s%(dry)s")
            % {"format": self.format, "dry": _(" (essai, rien n’est écrit)") if self.dry_run else ""},
            _("Billets : %(p)d publiés, %(d)d brouillons, %(s)d programmés ; pages : %(pages)d")
            % {"p": posts["published"], "d": posts["draft"], "s": posts["scheduled"], "pages": self.pages},
            _("Commentaires : %(a)d approuvés, %(w)d en attente, %(s)d indésirables, %(r)d refusés")
            % {"a": comments["approved"], "w": comments["pending"], "s": comments["spam"], "r": comments["rejected"]},
            _("Créés : %(c)d, mis à jour : %(u)d, inchangés : %(n)d")
            % {"c": self.created, "u": self.updated, "n": self.unchanged},
            ngettext("%(n)d redirection", "%(n)d redirections", self.redirects) % {"n": self.redirects},
        ]
        if self.media["copied"] or self.media["missing"]:
            lines.append(
                _("Images copiées : %(copied)d ; manquantes : %(missing)d (liens laissés tels quels)")
                % {"copied": self.media["copied"], "missing": self.media["missing"]}
            )
        if not self.created and not self.updated:
            lines.append(_("Rien de nouveau : ce fichier était déjà importé."))
        skipped = {kind: n for kind, n in self.skipped.items() if n}
        if skipped:
            lines.append(_("Ignorés : %(list)s") % {"list": ", ".join(f"{k} {n}" for k, n in sorted(skipped.items()))})
        lines += [_("Gardé tel que modifié ici : %(title)s") % {"title": title} for title in self.kept]
        lines += [_("Attention : %(warning)s") % {"warning": warning} for warning in self.warnings]
        return lines
