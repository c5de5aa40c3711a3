"""Portico's email path: templated messages sent by background tasks after commit, and a local mailbox."""
