"""Allow ``python -m reader``."""

from reader.command import run

if __name__ == "__main__":
    run()
