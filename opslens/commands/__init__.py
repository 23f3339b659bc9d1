"""One module per ``opslens`` sub-command: ``add_parser(subparsers)`` and ``run(args) -> int``."""
