"""Reads for portal pages: every query starts from a ``PortalContext`` and returns only that customer's rows.

One module per module of the portal. Views never build their own queries on documents.
"""
