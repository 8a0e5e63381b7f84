"""The threshold engine: a council's rulebook applied to what a professional says.

Pure Python: nothing here imports the web app, Rasa or the database.
"""

import logging
import threading

from .engine import CaseError, assess, validate_case
from .reader import second_reader
from .rulebook import Rulebook, RulebookError, check, load_rulebook

__all__ = ["assess", "CaseError", "validate_case", "load_rulebook", "Rulebook", "RulebookError",
           "check", "second_reader", "warm_up_in_background"]


def warm_up_in_background() -> threading.Thread:
    """Load the rulebook in force and its second reader off the request path (training the
    reader if no copy is kept on disk, about 5 s), so that no caller waits for it. A
    problem is logged here and met again, with its message, by the first assessment."""
    def warm() -> None:
        try:
            second_reader(load_rulebook())
        except Exception:  # noqa: BLE001 - reported where it matters, on first use
            logging.getLogger("thresholds").exception("Could not prepare the rulebook and its second reader")

    t = threading.Thread(target=warm, name="thresholds-warm-up", daemon=True)
    t.start()
    return t
