"""`python -m nlq ask ...`: see nlq.cli."""

import sys

from nlq.cli import main

sys.exit(main())
