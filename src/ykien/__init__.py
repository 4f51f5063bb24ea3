"""ykien: consultations on draft documents, Vietnamese-first."""

__version__ = "0.1.0"
