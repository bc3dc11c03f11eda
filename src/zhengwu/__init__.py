"""Zhengwu (政务): a platform for government service centers."""

__version__ = "0.1.0"
