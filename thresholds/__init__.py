"""The threshold engine: a council's rulebook applied to what a professional says.

Pure Python: nothing here imports the web app, Rasa or the database.
"""

from .engine import CaseError, assess, validate_case
from .rulebook import Rulebook, RulebookError, check, load_rulebook

__all__ = ["assess", "CaseError", "validate_case", "load_rulebook", "Rulebook", "RulebookError",
           "check"]
