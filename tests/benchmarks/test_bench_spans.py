"""Keys per error span: marking 20 real errors of BLOOM's FLORES translations in the review UI.

Not a timed test: it counts keys. Each span is replayed through Textual's pilot on a project
of the 1,012 FLORES-200 devtest segments (FLORES-101 Arabic, which BLOOM translated) with
BLOOM's output as the system, twice in the same run:

* **baseline**: the method of the first review UI, word by word: ``l``/``h`` to the span's
  first word, ``L`` to its last, then the severity key (``m``/``M``);
* **ours**: the shortest of a jump label (``g`` + one or two letters), a counted motion
  (``5w``, ``2b``, ``0``) or nothing (the cursor is already there) to the first word, then
  ``e``, a counted ``3e`` or a labelled extension (``G`` + label) to the last word, then the
  severity key.

Navigation between segments is not counted (the same in both). The span the app saved is
checked against the expected words each time. A third replay marks the same spans in MQM,
each with its category through the picker (a letter and a digit). Spans: (FLORES line, first
word, number of words, severity, what is wrong, MQM category) — words are whitespace tokens of BLOOM's line, 0-based; the
expected span leaves out punctuation attached to the first and last words. Target (issue 15):
median ≤ 5 keys per span, severity key included.
"""

from __future__ import annotations

import asyncio
import statistics

import pytest

from mtreview.core.project import Project
from mtreview.core.protocols import MQM_CATEGORIES
from mtreview.core.types import Document, Segment, System, Translation
from mtreview.tui.app import create_app
from mtreview.tui.marking import jump_labels, word_spans
from mtreview.tui.mqm_picker import SUB_KEYS, category_tree, hotkeys
from tests.conftest import FLORES, need_shared
from tests.tui.conftest import wait_loaded

SPANS = (
    (2, 2, 1, "major", "name: the professor's surname",
     "Accuracy/Mistranslation"),
    (2, 17, 1, "minor", "title of his post",
     "Terminology/Inappropriate for context"),
    (4, 2, 1, "minor", "first name spelt differently",
     "Fluency/Spelling"),
    (5, 0, 1, "major", "name: the secretary became someone else",
     "Accuracy/Mistranslation"),
    (6, 2, 2, "major", "name: the CEO's name",
     "Accuracy/Mistranslation"),
    (8, 0, 1, "major", "name: the founder's surname",
     "Accuracy/Mistranslation"),
    (9, 3, 1, "major", "name: the founder's surname",
     "Accuracy/Mistranslation"),
    (10, 5, 4, "major", "the lawsuit's other party",
     "Accuracy/Mistranslation"),
    (10, 9, 1, "major", "name: the company",
     "Accuracy/Mistranslation"),
    (14, 0, 3, "major", "the organisation: a country instead of the federation",
     "Accuracy/Mistranslation"),
    (15, 30, 3, "minor", "decertification rendered as revoking licenses",
     "Terminology/Inappropriate for context"),
    (16, 22, 2, "major", "meaning of the abuse's description",
     "Accuracy/Mistranslation"),
    (16, 32, 2, "major", "polarity: embraces became without embracing",
     "Accuracy/Mistranslation"),
    (20, 7, 4, "major", "who helped whom",
     "Accuracy/Mistranslation"),
    (22, 0, 1, "major", "name: the actor",
     "Accuracy/Mistranslation"),
    (29, 9, 2, "minor", "colour",
     "Accuracy/Mistranslation"),
    (31, 12, 1, "major", "term: the rachis",
     "Terminology/Inappropriate for context"),
    (32, 27, 2, "minor", "young rendered as small",
     "Terminology/Inappropriate for context"),
    (38, 7, 3, "major", "luminosity and rotation became a parameter",
     "Accuracy/Mistranslation"),
    (40, 3, 1, "major", "name: the sailor",
     "Accuracy/Mistranslation"),
)
SEVERITY_KEY = {"minor": "m", "major": "M"}


@pytest.fixture(scope="module")
def flores_project(tmp_path_factory):
    root = need_shared(FLORES)
    src = (root / "ara_flores101.devtest").read_text(encoding="utf-8").splitlines()
    bloom = (root / "systems" / "bloom-176b-1shot.en").read_text(encoding="utf-8").splitlines()
    urls = [row.split("\t")[0] for row in
            (root / "metadata_devtest.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    docs: dict[str, Document] = {}
    segments = []
    for i, (line, url) in enumerate(zip(src, urls), 1):
        doc = docs.setdefault(url, Document(f"flores-{len(docs) + 1:03d}", len(docs)))
        segments.append(Segment(i, doc.id, i, line))
    path = tmp_path_factory.mktemp("spans") / "flores"
    with Project.create(path, list(docs.values()), segments) as project:
        project.store.add_system(System("bloom", "file"),
                                 [Translation("bloom", i, t) for i, t in enumerate(bloom, 1)])
    return path, bloom


def _to(word: int, count: int, motion: str) -> list[str]:
    return ([] if count == 1 else list(str(count))) + [motion]


def plan_ours(words, at: tuple[int, int], first: int, last: int) -> list[str]:
    labels = jump_labels(len(words))
    word, anchor = at
    ways = [["g", *labels[first]]]
    if (word, anchor) == (first, first):
        ways.append([])
    if first == 0:
        ways.append(["0"])
    if first > word:
        ways.append(_to(word, first - word, "w"))
    elif first < word:
        ways.append(_to(word, word - first, "b"))
    keys = min(ways, key=len)
    if last > first:
        keys += min([_to(first, last - first, "e"), ["G", *labels[last]]], key=len)
    return keys


def plan_baseline(at: tuple[int, int], first: int, last: int) -> list[str]:
    word = at[0]
    keys = ["l"] * (first - word) if first >= word else ["h"] * (word - first)
    if at[0] != at[1] and first == word:
        keys = ["l", "h"] if word == 0 else ["h", "l"]  # collapse the old selection
    return keys + ["L"] * (last - first)


def _category_keys() -> dict[str, list[str]]:
    """The MQM picker's keys for each category: the top level's letter, then a digit."""
    tree = category_tree(list(MQM_CATEGORIES))
    letters = hotkeys(list(tree))
    return {path: [letters[top]] + ([SUB_KEYS[k]] if paths != [top] else [])
            for top, paths in tree.items() for k, path in enumerate(paths)}


CATEGORY_KEYS = _category_keys()


def _replay(path, bloom, reviewer: str, planner, protocol: str = "esa") -> list[int]:
    counts = []

    async def steps(pilot):
        screen = await wait_loaded(pilot)
        for line, first, n, severity, _what, category in SPANS:
            row = screen.session.row(line)
            if screen.row != row:
                screen.show_row(row)
                await pilot.pause()
            words = word_spans(bloom[line - 1])
            keys = planner(words, (screen.word, screen.anchor), first, first + n - 1)
            keys.append(SEVERITY_KEY[severity])
            if protocol == "mqm":
                keys += CATEGORY_KEYS[category]
            await pilot.press(*keys)
            await pilot.pause()
            want = (words[first][0], words[first + n - 1][1], severity,
                    category if protocol == "mqm" else "")
            review = screen.session.review_of(line, "bloom")
            got = ({(s.start, s.end, s.severity, s.category) for s in review.spans}
                   if review else set())
            assert want in got, (reviewer, line, first, n, keys, got)
            counts.append(len(keys))

    async def main():
        app = create_app(path, reviewer=reviewer, protocol=protocol)
        async with app.run_test(size=(140, 45)) as pilot:
            await steps(pilot)

    asyncio.run(main())
    return counts


def test_keys_per_error_span(flores_project):
    path, bloom = flores_project
    base = _replay(path, bloom, "baseline", lambda words, at, a, b: plan_baseline(at, a, b))
    ours = _replay(path, bloom, "ours", plan_ours)
    mqm = _replay(path, bloom, "ours-mqm", plan_ours, "mqm")
    print(f"\nkeys per error span, {len(SPANS)} spans in BLOOM's FLORES translations "
          "(severity key included)")
    print(f"  baseline l/L/M  median {statistics.median(base):g}  mean "
          f"{statistics.mean(base):.1f}  max {max(base)}  total {sum(base)}")
    print(f"  ours (g/G/e/w)  median {statistics.median(ours):g}  mean "
          f"{statistics.mean(ours):.1f}  max {max(ours)}  total {sum(ours)}")
    print(f"  ours, MQM (+ category keys)  median {statistics.median(mqm):g}  mean "
          f"{statistics.mean(mqm):.1f}  max {max(mqm)}  total {sum(mqm)}")
    print(f"  ratio ours/baseline (median) {statistics.median(ours) / statistics.median(base):.2f}")
    print("  per span (line:first+n baseline→ours): " + ", ".join(
        f"{line}:{first}+{n} {b}→{o}" for (line, first, n, *_), b, o in zip(SPANS, base, ours)))
    assert statistics.median(ours) <= 5
    assert sum(ours) < sum(base)
