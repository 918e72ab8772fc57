"""Allow ``python -m citydip``."""

from citydip.cli import main

main()
