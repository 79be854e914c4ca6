"""Arabic text handling: pure functions, no UI, no I/O, no store.

May import: the standard library, numpy, rapidfuzz, python-bidi, arabic-reshaper and
``mtreview.errors``; nothing else of mtreview.

- ``normalize``  normalisation (diacritics, tatweel, alef and hamza seats, ى/ي, ة/ه, Persian
                 letters), digit folding (length-preserving), clitic splitting, skeleton keys.
                 Checks tokenise the original text and normalise word by word, so every span
                 is an offset into the text as stored.
- ``names``      name mentions without NER (a word is a name when its transliterated consonant
                 key matches a capitalised English word of the segment; without English, by
                 context: quoting verbs, titles, nisba, kunya) and variant groups (consonant
                 skeleton blocks, rapidfuzz Indel distance, English evidence).
- ``sentences``  Arabic-aware sentence splitting of raw articles
- ``display``    logical → visual → shaped terminal text. Most terminals print characters in
                 the order received, with no bidi and no joining. ``visual`` reorders with
                 python-bidi's resolved levels (rules L1, L2, L4 applied on letter+harakat
                 clusters, brackets mirrored); ``shaped`` adds contextual forms and lam-alef
                 ligatures (arabic-reshaper). Text is cut to width in logical order first,
                 then shaped, then reordered; every display line keeps, per character, the
                 logical index it shows, so spans and cursors land on the right letters.
"""
