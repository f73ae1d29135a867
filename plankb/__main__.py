"""``python -m plankb``: the same as the ``plankb`` command."""

from plankb.cli import main

if __name__ == "__main__":
    main()
