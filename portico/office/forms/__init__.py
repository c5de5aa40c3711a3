"""Forms of the back office: login, records, document headers and lines, payments, portal access, and the action
pages."""

from .actions import ActionForm, ApplyCreditsForm, ApplyToInvoiceForm, ReasonForm, RefundForm
from .base import DecimalInput, OfficeModelForm
from .documents import DocumentHeaderForm, LineForm, LineFormSet
from .login import OfficeAuthenticationForm, OfficePasswordChangeForm
from .payments import AllocateCreditForm, AllocationFieldsMixin, ChooseCustomerForm, RecordPaymentForm
from .portal import PortalAccessChanges, PortalAccessForm
from .records import (
    CommentForm,
    ContactPersonForm,
    ContactPersonFormSet,
    CustomerForm,
    NumberSeriesForm,
    OrganizationSettingsForm,
    TimeEntryForm,
    TimesheetApprovalForm,
)

__all__ = [
    "ActionForm",
    "AllocateCreditForm",
    "AllocationFieldsMixin",
    "ApplyCreditsForm",
    "ApplyToInvoiceForm",
    "ChooseCustomerForm",
    "CommentForm",
    "ContactPersonForm",
    "ContactPersonFormSet",
    "CustomerForm",
    "DecimalInput",
    "DocumentHeaderForm",
    "LineForm",
    "LineFormSet",
    "NumberSeriesForm",
    "OfficeAuthenticationForm",
    "OfficeModelForm",
    "OfficePasswordChangeForm",
    "OrganizationSettingsForm",
    "PortalAccessChanges",
    "PortalAccessForm",
    "ReasonForm",
    "RecordPaymentForm",
    "RefundForm",
    "TimeEntryForm",
    "TimesheetApprovalForm",
]
