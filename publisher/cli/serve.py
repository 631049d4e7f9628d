"""`publisher serve`: preview a local target over HTTP, as a CDN would serve it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from publisher.cli.output import VERBOSE, output_options, say, verbosity
from publisher.config import DEFAULT_TARGET
from publisher.errors import ConfigError


@click.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--target",
    envvar="PUBLISHER_TARGET",
    show_envvar=True,
    default=DEFAULT_TARGET,
    show_default=True,
    metavar="URL",
    help="The local folder to serve: file://PATH (S3 targets are served by their CDN).",
)
@output_options
def serve_command(port: int, target: str) -> None:
    """Serve a local target folder on 127.0.0.1 with the published headers.

    Content-Type and Cache-Control are those the S3 store would send (day files
    and assets immutable, manifests, pages and sw.js short-lived), so the screens
    behave as they will behind a CDN. Prints a line per school on stdout, tab
    separated: its screen's URL, its name, and an example preview URL (`?at=`,
    30 seconds before the first bell of its next school day); with -v, a line per
    request on stderr. Ctrl-C stops.
    """
    from publisher.page.preview import (  # loads Jinja2
        PreviewHandler,
        first_bell_preview,
        make_server,
        screens,
    )

    if target.startswith("s3://"):
        raise ConfigError(f"target {target}: serve previews a local folder (file://PATH)")
    root = Path(target.removeprefix("file://") or ".")
    if not root.is_dir():
        raise ConfigError(f"target {target}: no such folder (run publisher publish first)")
    handler = type("LoggingHandler", (PreviewHandler,), {"quiet": verbosity() < VERBOSE})
    try:
        server = make_server(root, port, handler)
    except OSError as error:
        raise ConfigError(f"port {port}: {error.strerror or error}") from None
    base = f"http://127.0.0.1:{server.server_port}"
    say(f"Serving {root} on {base}/ (Ctrl-C stops)")
    now = dt.datetime.now(dt.UTC)
    for path, name in screens(root):
        at = first_bell_preview(root, path, now)
        preview = f"\t{base}{path}?at={at}" if at else ""
        click.echo(f"{base}{path}\t{name}{preview}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [serve_command]
