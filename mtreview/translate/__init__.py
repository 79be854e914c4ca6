"""Machine translation of a project with seq2seq models (``mtreview translate``).

The room holds:

* ``families``: Marian / OPUS-MT, NLLB-200, M2M100, mBART-50 — language codes and tokens
  (the FAMILIES registry);
* ``cards``: ``models/*.toml`` model cards and ``resolve_model(MODEL) -> ModelSpec``;
* ``settings``: ``Settings`` (engine, device, precision, generation parameters, batching);
* ``batching``: the one home of batching and device choice, shared with ``mtreview.train``,
  and ``BatchTranslator``, the batch loop both engines share;
* ``engine``: the Transformers engine (``Translator``, ``generate()``);
* ``ct2``: the CTranslate2 engine (conversion, cache of converted models, ``CT2Translator``);
* ``run``: ``translate_project(project, spec, ...) -> RunResult``: resumption, fingerprint,
  provenance and progress, whatever the engine;
* ``progress``: the progress bar (tqdm).

May import ``mtreview.core``, ``mtreview.errors`` and ``mtreview.paths``; never the UI,
commands or ``mtreview.train``. Importing it imports neither torch, transformers nor
ctranslate2: the modules do so only inside the functions that need them.
"""
