"""`python -m app` runs the `tapedeck` command."""

from app.cli import main

main()
