"""Machine translation with Hugging Face seq2seq models (``mtreview translate``).

* ``families``: Marian / OPUS-MT, NLLB-200, M2M100, mBART-50 — language codes and tokens;
* ``cards``: ``models/*.toml`` model cards and ``resolve_model(MODEL) -> ModelSpec``;
* ``engine``: ``translate_project(project, spec, ...) -> RunResult`` and ``Translator``.

Importing this package imports neither torch nor transformers; ``engine`` does so only
inside the functions that need them.
"""
