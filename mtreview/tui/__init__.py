"""The review UI (Textual). Only `mtreview review` (and the demo) import this package."""
