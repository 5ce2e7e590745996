"""JSON parsing that answers nesting too deep for Python's parser with a 400, not a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that a document nested so deeply that the parser runs out
    of recursion (a few thousand levels; an attack sends fifty thousand) is a parse error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError as exc:
            raise ParseError("JSON 嵌套层级过深，无法处理。") from exc
