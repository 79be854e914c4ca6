"""Training: ``mtreview train-model``, the recipe of mtreview's bundled Arabic→English model.

A Marian-architecture transformer (``MarianMTModel`` built from a ``MarianConfig``) is trained
from scratch on a line-aligned parallel corpus, with a SentencePiece unigram vocabulary that is
trained on both sides of the same data (one shared vocabulary, written as ``source.spm`` =
``target.spm`` + ``vocab.json`` so ``MarianTokenizer``/``AutoTokenizer`` load it).

The tokenizer's normalisation rules are NFKC plus two Arabic rules, baked into the
SentencePiece model so every user of the tokenizer gets them: Arabic diacritics (harakat,
dagger alif) and tatweel are removed, and Arabic-Indic digits become ASCII digits.

Training: length-bucketed batches with a token budget, AdamW with fp32 master weights, bf16
autocast on CUDA, label smoothing, gradient clipping, linear warm-up then a cosine decay over
the time (or step) budget, and an exponential moving average (EMA) of the weights. The output
directory is a standard Hugging Face model directory (fp16 safetensors, ``config.json``,
``generation_config.json`` with explicit generation defaults, tokenizer files,
``training.json``); a resumable fp32 checkpoint lives in ``OUT/checkpoint/`` and is written every
few minutes and when the budget ends, so a run stopped at any point resumes where it was.

Rooms:

* ``data``: corpus reading, the shared SentencePiece tokenizer (with its Arabic
  normalisation), token ids, length-bucketed batches and padded tensors;
* ``model``: sizes (``SIZES``: ``Recipe``), the Marian model, learning-rate schedule,
  checkpoints and the output directory, evaluation;
* ``recipe``: ``TrainOptions`` and ``train(opts)``, the training loop.

May import ``mtreview.core``, ``mtreview.errors`` and ``mtreview.translate`` (batching and
device choice are one home there, shared with translation); nothing imports this package
but the ``train-model`` command. torch and transformers are imported inside functions only.
"""
