"""Automatic metrics (sacrebleu), significance tests, human scores and agreement.

``registry.METRICS`` maps a metric name to a small class; adding a metric touches one file.
Nothing here imports torch, transformers or textual.
"""
