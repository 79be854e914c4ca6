"""The evaluation report: ``build.build_report`` (data), ``render`` and ``html`` (formats)."""
