import sys

from drf_review.cli import main

sys.exit(main())
