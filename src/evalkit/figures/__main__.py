"""`python -m evalkit.figures ...`: the same as `evalkit figures ...`."""

import sys

from evalkit.figures import cli

sys.exit(cli(sys.argv[1:]))
