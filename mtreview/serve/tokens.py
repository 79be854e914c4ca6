"""Reviewer links: one secret token per reviewer, only its hash stored.

A token is 32 random bytes (``secrets.token_urlsafe``). The project keeps
``{reviewer: sha256(token)}`` in ``DIR/serve-tokens.json`` (written to a temporary file,
``chmod 600``, renamed into place), so a link cannot be rebuilt from the project and a
reviewer cannot become another one by editing a link. Issuing happens once per reviewer:
serving again prints no link for a reviewer who has one; ``revoke`` forgets it, and the
next ``serve`` issues a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path

from mtreview.errors import UserError

TOKENS_NAME = "serve-tokens.json"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenBook:
    """The token hashes of one project directory."""

    def __init__(self, project_dir: str | Path):
        self.path = Path(project_dir) / TOKENS_NAME
        self._hashes: dict[str, str] = self._load()

    def _load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise UserError(f"{self.path.name} is unreadable ({type(e).__name__}); "
                            f"remove it to issue new links") from None
        if not isinstance(data, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise UserError(f"{self.path.name} is not a reviewer → token-hash table")
        return dict(data)

    def _save(self) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".serve-tokens.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._hashes, f, indent=1, sort_keys=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @property
    def reviewers(self) -> list[str]:
        return sorted(self._hashes)

    def has(self, reviewer: str) -> bool:
        return reviewer in self._hashes

    def issue(self, reviewers: list[str]) -> dict[str, str]:
        """New tokens for the reviewers who have none (one write); ``{reviewer: token}``."""
        new = {r: secrets.token_urlsafe(32) for r in reviewers if r not in self._hashes}
        if new:
            self._hashes.update({r: token_hash(t) for r, t in new.items()})
            self._save()
        return new

    def revoke(self, reviewer: str) -> None:
        if reviewer not in self._hashes:
            raise UserError(f"no link was issued to reviewer {reviewer!r}")
        del self._hashes[reviewer]
        self._save()

    def reviewer_for(self, token: str) -> str | None:
        """The reviewer whose token this is, or None (constant-time comparisons)."""
        if not token or len(token) > 200:
            return None
        h = token_hash(token)
        found = None
        for reviewer, stored in self._hashes.items():
            if hmac.compare_digest(stored, h):
                found = reviewer
        return found
