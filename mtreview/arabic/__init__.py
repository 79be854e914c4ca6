"""Arabic text handling: normalisation, name variants, terminal display."""
