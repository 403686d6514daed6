"""SMP Studio: simulate scalp micropigmentation on a client's own photo."""

__version__ = "0.1.0"
