"""The dataset card: ``README.md`` with YAML metadata, as the Hugging Face Hub reads it."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa

from mtreview import __version__
from mtreview.core.protocols import PROTOCOLS
from mtreview.core.store import utcnow
from mtreview.core.visible import visible
from mtreview.export.schema import COLUMNS


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "n>1M"


def _yaml_list(key: str, values: list[str]) -> list[str]:
    return [f"{key}:"] + [f"- {json.dumps(v, ensure_ascii=False)}" for v in values]


def _how_made(origin: dict[str, Any] | None) -> str:
    if origin and origin.get("imported_from"):
        return (f"Imported with mtreview {__version__} from the "
                f"{origin.get('import_format', '')} file "
                f"`{Path(str(origin['imported_from'])).name}` into a review project.")
    return (f"Reviewed in the terminal with mtreview {__version__}: a keyboard-first review "
            "UI showing automatic QA flags (names, numbers, …) beside each translation; "
            "reviews are saved to the project's SQLite store, the system of record.")


def _code(text: str) -> str:
    """``text`` (a name from a file) as a Markdown code span: HTML in it stays text, a
    backtick cannot close it early, controls and bidi overrides show as placeholders."""
    shown = visible(text)
    fence = "`" * (max((len(m) for m in re.findall("`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def render_card(table: pa.Table, *, name: str, src_lang: str, tgt_lang: str,
                license: str, systems: list[Any], command: str,
                origin: dict[str, Any] | None = None) -> str:
    """The card for ``table`` (rows in the export schema)."""
    cols = table.select(["reviewer", "protocol", "system", "seg_id"]).to_pydict()
    reviewers = sorted({r for r in cols["reviewer"] if r is not None})
    protocols = Counter(p for p in cols["protocol"] if p is not None)
    n_reviewed = sum(protocols.values())
    segs = len(set(cols["seg_id"]))
    used_systems = [s for s in systems if s.name in set(cols["system"])]
    tags = ["machine-translation", "human-evaluation", "mt-evaluation", "mtreview"]
    tags += [p for p in sorted(protocols)]
    yaml = ["---"]
    yaml += _yaml_list("language", [src_lang, tgt_lang])
    yaml += [f"license: {license}", "multilinguality: translation"]
    yaml += _yaml_list("task_categories", ["translation"])
    yaml += _yaml_list("annotations_creators", ["expert-generated"])
    yaml += _yaml_list("tags", tags)
    yaml += _yaml_list("size_categories", [_size_category(table.num_rows)])
    yaml += [f"pretty_name: {json.dumps(f'{name}: {src_lang}-{tgt_lang} MT review', ensure_ascii=False)}"]
    yaml += ["---", ""]

    proto_lines = [f"- {PROTOCOLS[p].title if p in PROTOCOLS else p}: {n} reviews" for p, n in
                   sorted(protocols.items())] or ["- none yet (no reviews)"]
    sys_lines = [f"- {_code(s.name)} ({s.kind}): "
                 f"{_code(json.dumps(dict(s.provenance), ensure_ascii=False, sort_keys=True))}"
                 for s in used_systems]
    col_lines = [f"| `{c}` | {d} |" for c, d in COLUMNS.items()]
    body = [
        f"# {html.escape(visible(name))}: human review of {src_lang}→{tgt_lang} machine "
        "translation",
        "",
        f"{table.num_rows} rows (one per segment × system × reviewer) over {segs} segments, "
        f"{len(used_systems)} system(s) and {len(reviewers)} reviewer(s); {n_reviewed} rows "
        "carry a review.",
        "",
        "## Annotation protocol",
        "",
        *proto_lines,
        "",
        "Error spans are character offsets `[start, end)` into the target (`side: tgt`) or "
        "the source (`side: src`, e.g. an omission). Severities: "
        + "; ".join(f"{p.name.upper()} " + ", ".join(f"`{s}`" for s in p.severities)
                    for p in PROTOCOLS.values() if p.severities) + ".",
        "",
        f"## Reviewers\n\n{len(reviewers)} reviewer(s): "
        + (", ".join(_code(r) for r in reviewers) or "none"),
        "",
        "## Systems and provenance",
        "",
        *(sys_lines or ["- none"]),
        "",
        "## How it was made",
        "",
        _how_made(origin) + f" Exported on {utcnow()} with `{command}`.",
        "",
        "## Columns",
        "",
        "| column | content |",
        "|---|---|",
        *col_lines,
        "",
        "## Loading",
        "",
        "```python",
        "import datasets",
        "ds = datasets.load_from_disk(PATH)",
        "```",
        "",
    ]
    return "\n".join(yaml + body)
