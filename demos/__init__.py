"""Live demos: standalone programs run as child processes (torch, numpy, stdlib only).

Importing this package imports nothing heavy: the app reads demos/protocol.py
from here and must never pull in torch.
"""
