"""The back office's model admins, registered on :data:`portico.office.site.office_site`."""

from . import activity, catalog, customers, organizations, payments, projects, sales

__all__ = ["activity", "catalog", "customers", "organizations", "payments", "projects", "sales"]
