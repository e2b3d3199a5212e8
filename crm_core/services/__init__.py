"""The write side. Every service checks the actor's permission, validates, changes state and
records an audit event; it never commits (the caller's `write_session` owns the transaction).
"""
