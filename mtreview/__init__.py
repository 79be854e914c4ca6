"""mtreview: review Arabic→English machine translation in the terminal."""

__version__ = "0.1.0"
