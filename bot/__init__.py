"""social-audit: audits a business's social-media and channel strategy, citing its sources."""

__version__ = "0.1.0"
