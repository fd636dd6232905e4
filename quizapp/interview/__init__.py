"""The mock interview's logic: question selection, the key-point matcher, rating and readiness maths.

Pure: no UI and no SQL. The interview session (session.py) reads and writes through Store methods.
"""
