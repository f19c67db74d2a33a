"""The `tapedeck` command: a thin layer over the same functions the web dashboard uses.

Each command lives in its own module and is registered here with one line.
"""

from __future__ import annotations

import click

from app import __version__


@click.group(
    name="tapedeck",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="tapedeck")
def main() -> None:
    """Read, search, replay and review recorded LLM traffic (VCR cassettes and their kin).

    With no PATH, commands work on ./cassettes. Exit status: 0 success; 1 some input could not
    be read (or, for diff, the cassettes differ); 2 usage error.
    """


from app.cli.index import index  # noqa: E402
from app.cli.show import show  # noqa: E402

main.add_command(index)
main.add_command(show)

from app.cli.diff import diff  # noqa: E402
from app.cli.lint import lint  # noqa: E402
from app.cli.review import review_command  # noqa: E402

main.add_command(diff)
main.add_command(lint)
main.add_command(review_command)

from app.cli.serve import serve  # noqa: E402

main.add_command(serve)

from app.cli.export import export  # noqa: E402

main.add_command(export)
