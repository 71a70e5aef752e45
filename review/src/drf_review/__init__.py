"""drf-review: the kata's ten Django REST API patterns as rules for your own code.

    drf-review [PATH ...] [--format text|json|sarif|github] [--diff BASE]
               [--select CODES] [--ignore CODES]

``check()`` is the same check from Python.
"""

from drf_review.engine import Finding, check

__version__ = "0.1.0"
__all__ = ["Finding", "__version__", "check"]
