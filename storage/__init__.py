"""One storage layer (SQLAlchemy 2) for the gateway: consultations, messages,
assessments, reviews and the audit trail."""

from .db import get_engine, migrate, normalise_url, session_factory
from .models import (Assessment, AuditEvent, Base, Consultation, Message, Organisation, Review,
                     User)

__all__ = ["get_engine", "migrate", "normalise_url", "session_factory", "Assessment",
           "AuditEvent", "Base", "Consultation", "Message", "Organisation", "Review", "User"]
