"""Arabic text handling: normalisation (normalize), name mentions and variants (names),
terminal display (display). Pure functions; no UI, no I/O."""
