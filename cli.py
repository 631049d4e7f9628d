"""Run the command line from a checkout: `python cli.py publish --all`."""

from publisher.cli import main

if __name__ == "__main__":
    main()
