"""`python -m publisher`: the same command line as the `publisher` script."""

from publisher.cli import main

if __name__ == "__main__":
    main(prog_name="publisher")
