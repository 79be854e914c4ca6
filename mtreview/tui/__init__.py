"""The review UI (Textual). Only ``mtreview review`` (and the demo) import this package.

May import anything below it (core, arabic, checks, metrics, report, export); nothing in
those rooms imports it (``tests/test_import_isolation.py``).

- ``app``       ``create_app``: the one factory for the CLI, the demo and the tests
- ``bindings``  every key binding with an id and a description; ``[keys]`` remaps by id
- ``session``   the review logic without UI (what is reviewed, saving, resume point)
- ``screens/``, ``widgets/``: the segment list and pane are virtual widgets that render only
  visible lines; a segment change repaints one widget and never re-arranges the screen.
"""
