"""The admin's "Personal data" page: staff export or erase the data of one email address.
Only staff with privacy.manage_personal_data (superusers have it); every erasure is recorded
(ErasureRecord: who, when, why; no personal data)."""

import logging

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from . import erasure, export
from .forms import StaffPersonForm
from .models import ErasureRecord, ErasureVia
from .registry import Person
from .views import _brand, zip_response

logger = logging.getLogger(__name__)
PERMISSION = "privacy.manage_personal_data"


def personal_data(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = StaffPersonForm(request.POST or None)
    summary, status = None, 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            person = Person.for_email(form.cleaned_data["email"])
            if form.cleaned_data["action"] == "export":
                logger.info("privacy: staff user %s exported a person's data", request.user.pk)
                return zip_response(person, _brand(request))
            summary = erasure.erase(
                person,
                via=ErasureVia.STAFF,
                staff_user=request.user,
                reason=form.cleaned_data["reason"].strip(),
            )
            form = StaffPersonForm()
    context = {
        "form": form,
        "summary": summary,
        "records": ErasureRecord.objects.select_related("staff_user")[:20],
        "models": [entry for entry in export.registry.entries() if entry.personal],
    }
    return TemplateResponse(request, "privacy/admin/personal_data.html", context, status=status)
