"""Shared piece of the admin detail pages whose objects change only through action forms
(returns, reviews)."""

from django.urls import reverse


class ActionFormsMixin:
    """`actions`: name → action with `.name`, `.form(obj)` and `.is_available(obj)`;
    `action_url_name`: the URL taking (pk, action name)."""

    actions: dict = {}

    def action_forms(self, bound: dict | None = None):
        """The forms of the actions allowed now, `bound` replacing the one just sent."""
        bound = bound or {}
        return [
            {
                "action": action,
                "form": bound.get(action.name) or action.form(self.object),
                "url": reverse(self.action_url_name, args=[self.object.pk, action.name]),
            }
            for action in self.actions.values()
            if action.is_available(self.object)
        ]
