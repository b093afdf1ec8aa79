"""`python -m daemon` runs the `followup` command."""

import sys

from daemon.cli import main

sys.exit(main())
