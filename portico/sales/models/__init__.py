from .applications import CreditApplication, RetainerApplication
from .base import DocumentLine, SalesDocument
from .creditnotes import CreditNote, CreditNoteLine
from .invoices import Invoice, InvoiceLine, RetainerInvoice, RetainerInvoiceLine
from .quotes import Quote, QuoteLine
from .salesorders import SalesOrder, SalesOrderLine

__all__ = [
    "CreditApplication",
    "CreditNote",
    "CreditNoteLine",
    "DocumentLine",
    "Invoice",
    "InvoiceLine",
    "Quote",
    "QuoteLine",
    "RetainerApplication",
    "RetainerInvoice",
    "RetainerInvoiceLine",
    "SalesDocument",
    "SalesOrder",
    "SalesOrderLine",
]
