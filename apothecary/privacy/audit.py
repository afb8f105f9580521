"""Checks of the registry against the models (launch test 34): every text-like field of our
apps is declared personal or not, no declaration names a field that does not exist, and every
personal field is exported or waived with a reason."""

from django.apps import apps
from django.db import models

from . import registry

# The field types that can hold a name, an address, a phone, a message or a network address.
TEXT_FIELDS = (models.CharField, models.TextField, models.GenericIPAddressField, models.JSONField)


def our_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("apothecary.")
    ]


def text_fields(model) -> list[str]:
    """The model's own text-like columns (a page's Wagtail fields are Wagtail's table's)."""
    return [field.name for field in model._meta.local_fields if isinstance(field, TEXT_FIELDS)]


def undeclared(models_=None) -> list[str]:
    """'app.Model.field' of every text-like field declared neither personal nor not."""
    missing = []
    for model in models_ if models_ is not None else our_models():
        entry = registry.entry(model._meta.label)
        declared = set(entry.personal) | set(entry.not_personal) if entry else set()
        missing += [
            f"{model._meta.label}.{name}" for name in text_fields(model) if name not in declared
        ]
    return missing


def stale() -> list[str]:
    """Declarations of models or fields that do not exist (a renamed field, a removed model)."""
    wrong = []
    for entry in registry.entries():
        try:
            model = entry.model
        except LookupError:
            wrong.append(entry.label)
            continue
        names = {field.name for field in model._meta.get_fields()}
        declared = set(entry.personal) | set(entry.not_personal) | set(entry.hide)
        wrong += [f"{entry.label}.{name}" for name in sorted(declared - names)]
    return wrong


def table() -> list[tuple[str, str, str, str]]:
    """(field, on export, on erasure, why) for every personal field: the registry's list."""
    rows = []
    for entry in registry.entries():
        for name, rule in sorted(entry.personal.items()):
            exported = "exported" if rule.exported else f"waived: {rule.export_waiver}"
            if rule.erase == registry.ANONYMISE:
                erased = f"anonymised → {rule.replacement!r}"
                if callable(rule.replacement):
                    erased = f"anonymised → {rule.replacement.__name__}()"
            elif rule.erase == registry.DELETE:
                erased = "row deleted"
            else:
                erased = f"kept: {rule.reason}"
            if entry.erase is not None:
                erased = f"{erased} ({entry.erase.__name__})"
            rows.append((f"{entry.label}.{name}", exported, erased, ""))
    return rows
