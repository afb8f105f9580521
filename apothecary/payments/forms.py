"""How the providers' forms are shown on our pay page."""

from django import forms
from payments import FraudStatus, PaymentStatus
from payments.dummy.forms import DummyForm

# The outcomes a tester picks on the dummy provider's form.
DUMMY_OUTCOMES = [
    (PaymentStatus.CONFIRMED, "The payment succeeds"),
    (PaymentStatus.REJECTED, "The payment is declined"),
]


def present_provider_form(form) -> None:
    """Shape a provider's form for our template. The dummy form offers only the two outcomes
    a tester needs; its other fields keep their harmless defaults, hidden. The fields are
    changed in place: the form was already validated by the provider."""
    if not isinstance(form, DummyForm):
        return
    status = form.fields["status"]
    status.widget = forms.RadioSelect()
    status.choices = DUMMY_OUTCOMES
    status.label = "Outcome of this test payment"
    status.initial = PaymentStatus.CONFIRMED
    hidden_defaults = {
        "fraud_status": FraudStatus.ACCEPT,
        "gateway_response": "3ds-disabled",
        "verification_result": "",
    }
    for name, initial in hidden_defaults.items():
        form.fields[name].widget = forms.HiddenInput()
        form.fields[name].initial = initial


class DummyVerificationForm(forms.Form):
    """The dummy provider's simulated 3-D Secure result, posted to the process URL."""

    verification_result = forms.ChoiceField(
        choices=[(PaymentStatus.CONFIRMED, "Passed"), (PaymentStatus.REJECTED, "Failed")]
    )
