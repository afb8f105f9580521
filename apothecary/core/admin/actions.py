"""The admin detail pages whose objects change only through action forms (orders, returns,
reviews, affiliates, commissions, payout batches): one shape for an action, its form, and the
POST view that checks, validates and calls the service.

An action is offered only when `is_available(obj)` says so (typically: the transitions
table allows its target status). Its form carries `seen`, the object's state when the page
was opened. The POST answers:

- 404 for an unknown action;
- 409 when the action is not available now, or the object changed since the page was
  opened (someone else acted first), or the service refused (one of `action_errors`);
- 400 when the form is invalid, with the form filled as it was sent;
- otherwise a redirect to the detail page with a success message.

A refusal renders the detail page again, freshly read, with the message. Every action done
and every refusal is logged on the "apothecary.audit" logger with who acted and the values
sent (the log format gives the UTC time)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin


class ActionFormsMixin:
    """`actions`: name → AdminAction; `action_url_name`: the URL taking (the object's
    `lookup_field`, the action's name)."""

    actions: dict = {}
    noun = ""  # how messages call the object, e.g. "return"; default: the model's name
    lookup_field = "pk"  # how the object appears in its URLs (orders: their number)

    def object_url_arg(self, obj):
        return getattr(obj, self.lookup_field)

    def get_noun(self) -> str:
        return self.noun or str(self.model._meta.verbose_name)

    def describe(self, obj) -> str:
        """How messages name the object: "Commission 12"."""
        return f"{self.get_noun().capitalize()} {obj.pk}"

    def status_label(self, obj) -> str:
        return obj.get_status_display().lower()

    confirming: dict = {}  # action name → its preview, on a confirmation step

    def action_forms(self, bound: dict | None = None):
        """The forms of the actions allowed now, `bound` replacing the one just sent."""
        bound = bound or {}
        items = []
        for action in self.actions.values():
            if not action.is_available(self.object):
                continue
            item = {
                "action": action,
                "form": bound.get(action.name) or action.form(self.object),
                "url": reverse(
                    self.action_url_name, args=[self.object_url_arg(self.object), action.name]
                ),
            }
            if action.name in self.confirming:
                item.update(
                    confirming=True,
                    change_url=reverse(
                        self.inspect_url_name, args=[self.object_url_arg(self.object)]
                    ),
                    note=self.confirming[action.name],
                    button=f"Confirm: {action.label.lower()}",
                )
            items.append(item)
        return items


def status_of(obj) -> str:
    return obj.status


class ActionForm(forms.Form):
    """The base of every action form: `seen` is the object's state (AdminAction.state) when
    the page was opened; `instance` is the object, for forms whose checks need it."""

    seen = forms.CharField(widget=forms.HiddenInput)
    # Set on the confirmation step of an action with a `preview`: the values shown are sent.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, instance, seen: str, **kwargs):
        self.instance = instance
        kwargs.setdefault("initial", {}).setdefault("seen", seen)
        super().__init__(*args, **kwargs)


audit = logging.getLogger("apothecary.audit")
UNLOGGED_FIELDS = frozenset({"seen", "confirmed"})


def _sent(cleaned: dict) -> str:
    """The values typed in an action's form, for the audit log: 'amount=5.00, reason=Asked
    for' (objects the form derived from them, such as a refund plan, are left out)."""
    return ", ".join(
        f"{key}={value}"
        for key, value in sorted(cleaned.items())
        if key not in UNLOGGED_FIELDS
        and isinstance(value, str | int | Decimal | date)
        and value not in ("", None)
    )


@dataclass(frozen=True)
class AdminAction:
    """One button of a detail page.

    `perform(obj, cleaned_data, actor)` calls the service. `done` is the success message,
    formatted with `obj`: "Commission {obj.pk} approved." With `to` (a status, or a set of
    statuses of which one must be allowed) and `transitions` (the model's transitions table),
    the action is offered only when the table allows moving to `to` from the object's status;
    `applies` can narrow it further. `state(obj)` is what the page shows of the object: a
    different value when the form comes back means someone else acted meanwhile."""

    name: str
    label: str
    perform: Callable[[object, dict, object], object]
    done: str
    form_class: type[ActionForm] = ActionForm
    to: str | frozenset[str] | None = None
    transitions: dict | None = None
    applies: Callable[[object], bool] = lambda obj: True
    state: Callable[[object], str] = status_of
    explains: str = ""  # shown above the form
    destructive: bool = False
    # preview(obj, cleaned_data) → safe HTML saying exactly what will be done: the form then
    # comes back once as a confirmation step, its values fixed, before `perform` runs.
    preview: Callable[[object, dict], str] | None = None

    def is_available(self, obj) -> bool:
        if self.to is not None and self.transitions is not None:
            targets = {self.to} if isinstance(self.to, str) else set(self.to)
            if not targets & self.transitions.get(obj.status, frozenset()):
                return False
        return self.applies(obj)

    def form(self, obj, data=None) -> ActionForm:
        return self.form_class(data, instance=obj, seen=self.state(obj), prefix=self.name)


def action_table(*actions: AdminAction) -> dict[str, AdminAction]:
    return {action.name: action for action in actions}


class ActionDetailView(
    ActionFormsMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """The detail page of an object with its action forms. Subclasses set `model`,
    `actions`, `template_name`, `index_label`, and may narrow `get_queryset`; the viewset
    passes `index_url_name`, `inspect_url_name` and `action_url_name`. The object is found by
    `lookup_field` from the URL's keyword of the same name."""

    index_url_name = None
    inspect_url_name = None
    action_url_name = None
    index_label = ""
    # Seeing the page takes "view" or "change"; acting takes "change".
    any_permission_required = ["view", "change"]

    def get_queryset(self):
        return self.model._default_manager.all()

    @cached_property
    def object(self):  # looked up after the permission check
        field = self.lookup_field
        return get_object_or_404(self.get_queryset(), **{field: self.kwargs[field]})

    def reload(self) -> None:
        self.__dict__.pop("object", None)

    @cached_property
    def can_act(self) -> bool:
        return self.user_has_permission("change")

    def action_forms(self, bound: dict | None = None):
        return super().action_forms(bound) if self.can_act else []

    def get_page_title(self):
        return self.describe(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.index_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, bound_forms=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["actions"] = self.action_forms(bound_forms)
        return context


class ActionPostMixin:
    """POST only, before a detail view with ActionFormsMixin in the bases (and a `reload()`
    that forgets the cached object): check, validate, call the service, then back to the
    detail page. `action_errors`: the exceptions that mean "not
    possible now"; their message is shown, with the status in their `status` attribute if
    they have one (else 409)."""

    http_method_names = ["post"]
    any_permission_required = None
    permission_required = "change"
    action_errors: tuple[type[Exception], ...] = ()

    def get_action_errors(self) -> tuple[type[Exception], ...]:
        return self.action_errors

    def refuse(self, message: str, *, status: int, bound_forms=None):
        user = self.request.user
        audit.warning(
            "admin %s %s: refused %s to %s (user %s): %s",
            self.get_noun(),
            self.kwargs.get("action", ""),
            status,
            user.get_username(),
            user.pk,
            message,
        )
        messages.error(self.request, message)
        self.reload()
        return self.render_to_response(
            self.get_context_data(bound_forms=bound_forms), status=status
        )

    def confirm(self, action: AdminAction, form: ActionForm):
        """The confirmation step: the page again with what will be done, and the values sent
        as hidden fields under a confirm button."""
        try:
            summary = action.preview(self.object, form.cleaned_data)
        except self.get_action_errors() as error:
            return self.refuse(
                f"{error} Nothing was changed.",
                status=getattr(error, "status", 409),
                bound_forms={action.name: form},
            )
        data = self.request.POST.copy()
        data[form.add_prefix("confirmed")] = "on"
        self.confirming = {action.name: summary}
        confirmation = action.form(self.object, data)
        confirmation.is_valid()
        return self.render_to_response(
            self.get_context_data(bound_forms={action.name: confirmation})
        )

    def success_url(self, obj) -> str:
        return reverse(self.inspect_url_name, args=[self.object_url_arg(obj)])

    def post(self, request, *args, **kwargs):
        action = self.actions.get(kwargs["action"])
        if action is None:
            raise Http404("No such action.")
        obj = self.object
        name = self.describe(obj)
        if not action.is_available(obj):
            return self.refuse(
                f"{action.label} is not possible: {name[0].lower()}{name[1:]} is "
                f"{self.status_label(obj)}. Nothing was changed.",
                status=409,
            )
        form = action.form(obj, request.POST)
        if not form.is_valid():
            return self.refuse(
                f"The {self.get_noun()} was not changed: please correct the errors below.",
                status=400,
                bound_forms={action.name: form},
            )
        if form.cleaned_data["seen"] != action.state(obj):
            return self.refuse(
                f"{name} changed since this page was opened: it is now "
                f"{self.status_label(obj)}. Nothing was done; check it and try again if "
                "still needed.",
                status=409,
            )
        if action.preview is not None and not form.cleaned_data["confirmed"]:
            return self.confirm(action, form)
        try:
            action.perform(obj, form.cleaned_data, request.user)
        except self.get_action_errors() as error:
            return self.refuse(
                f"{error} Nothing was changed.",
                status=getattr(error, "status", 409),
                bound_forms={action.name: form},
            )
        audit.info(
            "admin %s %s: %s by %s (user %s): %s",
            self.get_noun(),
            action.name,
            name,
            request.user.get_username(),
            request.user.pk,
            _sent(form.cleaned_data) or "no values",
        )
        messages.success(request, action.done.format(obj=obj))
        return HttpResponseRedirect(self.success_url(obj))
