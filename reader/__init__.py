"""reader: a keyboard-driven terminal library for the papers you mean to read."""

__version__ = "0.1.0"
