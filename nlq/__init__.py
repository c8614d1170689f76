"""Natural-language questions about recorded crime: parse → Intent → SQL → guard → warehouse.

from nlq import Engine
reply = Engine.open().ask("robberies in Westminster by hour last month")
"""

from nlq.engine import Engine, Reply
from nlq.intent import Chip, Intent
from nlq.parse import ParseResult
from nlq.timeexpr import TimeWindow

__all__ = ["Engine", "Reply", "Intent", "Chip", "ParseResult", "TimeWindow"]
