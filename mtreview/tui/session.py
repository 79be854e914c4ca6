"""The review session: what the UI shows and saves, without any UI.

Holds the segment index (ids, documents, this reviewer's progress, flag counts), builds the
view of one segment (source, references, translations in blind/shuffled order, flags, this
reviewer's reviews) and saves every change at once through ``Store.save_review`` — one
transaction per change, with the reviewer's name and the start and end time of the work.
No Textual here, so it is testable without an event loop.
"""

from __future__ import annotations

import bisect
import hashlib
import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, replace

from mtreview.arabic.display import MODES
from mtreview.core.project import DEFAULT_MQM_CATEGORIES, Project
from mtreview.core.protocols import PROTOCOLS
from mtreview.core.store import utcnow
from mtreview.core.types import ErrorSpan, Flag, Review, Segment
from mtreview.core.visible import bad_name_chars
from mtreview.errors import UserError
from mtreview.tui.active_time import ActiveTime


@dataclass(frozen=True)
class Card:
    """One system's translation of the current segment, as the reviewer sees it."""

    system: str
    label: str  # the system name, or "System A" in blind review
    text: str
    review: Review | None


@dataclass(frozen=True)
class SegmentView:
    segment: Segment
    references: tuple[str, ...]
    cards: tuple[Card, ...]
    flags: tuple[Flag, ...]


def blind_order(systems: list[str], seg_id: int, reviewer: str) -> list[str]:
    """The systems shuffled, deterministically per segment and reviewer."""
    seed = hashlib.sha256(f"{seg_id}\0{reviewer}".encode()).digest()
    order = list(systems)
    random.Random(seed).shuffle(order)
    return order


class ReviewSession:
    def __init__(self, project: Project, reviewer: str, protocol: str | None = None,
                 display: str | None = None, clock: Callable[[], str] = utcnow,
                 blind: bool | None = None):
        config = project.review_config()
        self.project = project
        self.store = project.store
        self.reviewer = (reviewer or "").strip()
        if not self.reviewer:
            raise UserError("the reviewer name is empty (give --reviewer NAME)")
        bad = bad_name_chars(self.reviewer)
        if bad:
            raise UserError(f"the reviewer name has control or bidi characters "
                            f"({' '.join(bad)}): give a plain --reviewer NAME")
        self.protocol = (protocol or config.get("protocol") or "esa").lower()
        if self.protocol not in PROTOCOLS:
            raise UserError(f"unknown review protocol {self.protocol!r} "
                            f"(choose from {', '.join(PROTOCOLS)})")
        self.display = display or config.get("display") or "shaped"
        if self.display not in MODES:
            raise UserError(f"unknown display mode {self.display!r} in the project config "
                            f"(choose from {', '.join(MODES)})")
        self.blind = bool(config.get("blind", False) if blind is None else blind)
        # blind review shuffles too: a fixed order would tell the systems apart by position
        self.shuffle = bool(config.get("shuffle", False)) or self.blind
        cats = project.config.get("mqm", {}).get("categories") or DEFAULT_MQM_CATEGORIES
        self.categories = [str(c) for c in cats]
        self.clock = clock
        self.systems = [s.name for s in self.store.systems()]
        # a campaign: this reviewer sees only the items of their batches (attention
        # copies included, always blind)
        self.assigned: dict[int, list[str]] | None = None
        self._attention: dict[tuple[int, str], str] = {}
        campaign = self.store.campaign()
        if campaign:
            items = self.store.assigned_items(self.reviewer)
            if not items:
                raise UserError(f"reviewer {self.reviewer!r} has no batch in this project's "
                                f"campaign (mtreview assign DIR --reviewers …)")
            self.assigned = {}
            for it in items:
                self.assigned.setdefault(it.seg_id, []).append(it.system)
            self._attention = {k: text for k, (_, text) in
                               self.store.attention_copies().items()}
            if campaign.get("blind"):
                self.blind = self.shuffle = True
        self.ids = array("q")
        self._docs: dict[int, str] = {}
        self.reviewed: dict[int, int] = {}
        self.flag_counts: dict[int, int] = {}
        self.references: dict[int, list[str]] = {}
        self._started: dict[tuple[int, str], str] = {}
        self.activity = ActiveTime()  # the screen touches it on every key and click
        self._reviews: dict[tuple[int, str], Review] = {}
        self._texts: dict[int, str] | None = None
        self._orders: dict[int, tuple[str, ...]] = {}  # segment → systems as shown
        # every change of this session: (segment, system) and the review before it
        self._undo: list[tuple[tuple[int, str], Review | None]] = []

    # -- the index (slow on big projects: load it in a worker) ---------------------------
    def load_index(self) -> None:
        self.ids = array("q", sorted(self.assigned) if self.assigned is not None
                         else self.store.segment_ids())
        self._docs = {}
        self.reviewed = {}
        for review in self.store.reviews(reviewer=self.reviewer, protocol=self.protocol):
            if self.assigned is not None and review.system not in self.assigned.get(
                    review.seg_id, ()):
                continue
            if self.complete(review):
                self.reviewed[review.seg_id] = self.reviewed.get(review.seg_id, 0) + 1
        self.flag_counts = self.store.flag_counts()
        self.references = self.store.references()

    def doc_of(self, seg_id: int) -> str:
        """The document of a segment (looked up when its row is first shown)."""
        doc = self._docs.get(seg_id)
        if doc is None:
            segment = self.store.segment(seg_id)
            doc = self._docs[seg_id] = segment.doc_id if segment else ""
        return doc

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, i: int) -> int:
        """The list row of a segment id (its position in id order)."""
        j = bisect.bisect_left(self.ids, i)
        return j if j < len(self.ids) and self.ids[j] == i else -1

    def complete(self, review: Review | None) -> bool:
        """Whether a review counts as done: with a score where the protocol has one (ESA,
        DA); MQM: saved with its spans or explicitly as "no error"."""
        if review is None:
            return False
        return review.score is not None if PROTOCOLS[self.protocol].has_score else True

    def n_cards(self, seg_id: int) -> int:
        if self.assigned is not None:
            return len(self.assigned.get(seg_id, ()))
        return max(1, len(self.systems))

    def is_done(self, seg_id: int) -> bool:
        return self.reviewed.get(seg_id, 0) >= self.n_cards(seg_id)

    def first_unreviewed(self) -> int:
        """Row of the first segment not fully reviewed by this reviewer (0 when all are)."""
        return self.next_row(-1, self.is_done_row, want=False, wrap=False) or 0

    def is_done_row(self, row: int) -> bool:
        return self.is_done(self.ids[row])

    def next_row(self, row: int, test: Callable[[int], bool], want: bool = True,
                 wrap: bool = True, step: int = 1) -> int | None:
        """The next row after ``row`` where ``test(row) == want`` (wrapping around)."""
        n = len(self.ids)
        for k in range(1, n + 1):
            r = row + k * step
            if not wrap and not 0 <= r < n:
                return None
            r %= n
            if test(r) == want:
                return r
        return None

    def done_count(self) -> int:
        return sum(1 for seg, n in self.reviewed.items() if n >= self.n_cards(seg))

    def search(self, query: str, from_row: int) -> int | None:
        """The next row after ``from_row`` whose source or a translation contains
        ``query`` (case-insensitive), wrapping around. Slow on big projects: run in a worker."""
        if self._texts is None:
            texts: dict[int, list[str]] = {s.id: [s.source] for s in self.store.segments()}
            for name in self.systems:
                for seg_id, text in self.store.translations(name).items():
                    texts.setdefault(seg_id, []).append(text)
            self._texts = {k: "\n".join(v).casefold() for k, v in texts.items()}
        needle, found = query.casefold(), self._texts
        return self.next_row(from_row, lambda r: needle in found.get(self.ids[r], ""))

    def is_flagged_row(self, row: int) -> bool:
        return self.flag_counts.get(self.ids[row], 0) > 0

    # -- one segment ------------------------------------------------------------------
    def view(self, seg_id: int) -> SegmentView:
        segment = self.store.segment(seg_id)
        if segment is None:
            raise UserError(f"segment {seg_id} is not in the project")
        texts = self.store.translations_of(seg_id)
        if self.assigned is not None:
            mine = self.assigned.get(seg_id, [])
            texts.update({s: self._attention[(seg_id, s)] for s in mine
                          if (seg_id, s) in self._attention})
            names = [s for s in [*self.systems, *sorted(texts)] if s in mine and s in texts]
            names = list(dict.fromkeys(names))
        else:
            names = [s for s in self.systems if s in texts]
        if self.shuffle:
            names = blind_order(names, seg_id, self.reviewer)
        reviews = {r.system: r for r in self.store.reviews(reviewer=self.reviewer, seg_id=seg_id,
                                                              protocol=self.protocol)}
        now = self.clock()
        self._orders[seg_id] = tuple(names)
        cards = []
        for k, name in enumerate(names):
            self._started.setdefault((seg_id, name), now)
            if name in reviews:
                self._reviews[(seg_id, name)] = reviews[name]
            label = f"System {chr(ord('A') + k)}" if self.blind else name
            cards.append(Card(name, label, texts[name], reviews.get(name)))
        refs = tuple(self.references.get(seg_id, ()))
        return SegmentView(segment, refs, tuple(cards), tuple(self.store.flags(seg_id)))

    # -- saving -----------------------------------------------------------------------
    def review_of(self, seg_id: int, system: str) -> Review | None:
        """This reviewer's saved review of one translation (None: not reviewed yet)."""
        return self._reviews.get((seg_id, system))

    def current(self, seg_id: int, system: str) -> Review:
        return self._reviews.get((seg_id, system)) or Review(
            seg_id, system, self.reviewer, self.protocol)

    def _save(self, review: Review) -> Review:
        now = self.clock()
        key = (review.seg_id, review.system)
        start = self._started.setdefault(key, now)
        if self.activity.seen(key):  # active time: idle gaps over 2 minutes left out
            stored = self._reviews.get(key)
            start = self.activity.start_time(key, now, stored.start_time if stored else None,
                                             stored.end_time if stored else None)
        else:
            start = review.start_time or start
        review = replace(review, reviewer=self.reviewer, protocol=self.protocol,
                         start_time=start, end_time=now, updated=now,
                         blind=self.blind,
                         card_order=self._orders.get(review.seg_id, review.card_order))
        self.store.save_review(review)  # one transaction
        key = (review.seg_id, review.system)
        before = self._reviews.get(key)
        self._undo.append((key, before))
        self._set(key, before, review)
        return review

    def _set(self, key: tuple[int, str], before: Review | None, after: Review | None) -> None:
        """Keep the cache and the progress count in step with the store."""
        if after is None:
            self._reviews.pop(key, None)
        else:
            self._reviews[key] = after
        delta = int(self.complete(after)) - int(self.complete(before))
        if delta:
            self.reviewed[key[0]] = self.reviewed.get(key[0], 0) + delta

    def _delete(self, key: tuple[int, str]) -> None:
        self.store.delete_review(key[0], key[1], self.reviewer, self.protocol)

    def undo(self) -> tuple[int, str] | None:
        """Undo the last change of this session (a score, a span, a comment, a done mark):
        the review before it goes back to the store (or the review is deleted when there
        was none). Returns the (segment, system) changed, None when there is nothing left."""
        if not self._undo:
            return None
        key, before = self._undo.pop()
        after = self._reviews.get(key)
        if before is None:
            self._delete(key)
        else:
            self.store.save_review(before)
        self._set(key, after, before)
        return key

    def set_score(self, seg_id: int, system: str, score: float | None) -> Review:
        if score is not None and not 0 <= score <= 100:
            raise ValueError("a score is between 0 and 100")
        return self._save(replace(self.current(seg_id, system), score=score))

    def confirm(self, seg_id: int, system: str) -> Review:
        """Save the review as it is (e.g. MQM with no errors)."""
        return self._save(self.current(seg_id, system))

    def set_comment(self, seg_id: int, system: str, comment: str) -> Review:
        return self._save(replace(self.current(seg_id, system), comment=comment))

    def add_span(self, seg_id: int, system: str, span: ErrorSpan) -> Review:
        review = self.current(seg_id, system)
        kept = tuple(s for s in review.spans
                     if not (s.side == span.side and s.start == span.start and s.end == span.end))
        spans = tuple(sorted(kept + (span,), key=lambda s: (s.side, s.start, s.end)))
        return self._save(replace(review, spans=spans))

    def delete_span(self, seg_id: int, system: str, side: str, pos: int) -> Review | None:
        """Delete the shortest span of ``side`` covering character ``pos`` (None: none does)."""
        review = self.current(seg_id, system)
        covering = [s for s in review.spans if s.side == side and s.start <= pos < s.end]
        if not covering:
            return None
        victim = min(covering, key=lambda s: s.end - s.start)
        kept = tuple(s for s in review.spans if s is not victim)
        if not kept and not review.comment and not PROTOCOLS[self.protocol].has_score:
            # MQM with no span left is not "no error" (that takes an explicit enter): the
            # translation goes back to not reviewed
            key = (seg_id, system)
            self._delete(key)
            self._undo.append((key, review))
            self._set(key, review, None)
            return replace(review, spans=())
        return self._save(replace(review, spans=kept))
