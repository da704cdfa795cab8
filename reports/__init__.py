"""Year-end party-building summary reports from unit submissions."""

__version__ = "0.1.0"
