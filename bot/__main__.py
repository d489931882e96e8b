"""`python -m bot` runs the `chorus` command."""

import sys

from bot.cli import main

sys.exit(main())
