from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class NestingSafeJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested too deep for Python answered 400, not 500.

    ``json.loads`` recurses once per level and raises ``RecursionError`` (not the
    ``ValueError`` DRF catches) around a thousand levels: 100,000 ``[`` was a 500
    on every endpoint that reads a body, before any login.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
