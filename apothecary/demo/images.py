"""The demo's illustrations (images.toml), drawn by drawing.py, so the demo ships no
third-party images."""

from io import BytesIO

from django.core.files.images import ImageFile

from apothecary.core.models import CreditedImage

from .drawing import draw_illustration


def seed_images(specs: list[dict], report, progress) -> dict[str, CreditedImage]:
    """The image of each spec, by key; drawn and saved only when no image has its title."""
    images = {}
    for spec in specs:
        key = spec["key"]
        image = CreditedImage.objects.filter(title=spec["title"]).first()
        if image is None:
            data = draw_illustration(key=key, motif=spec["motif"], palette=tuple(spec["palette"]))
            image = CreditedImage(
                title=spec["title"], credit=spec["credit"], credit_url=spec.get("credit_url", "")
            )
            image.file = ImageFile(BytesIO(data), name=f"{key}.jpg")
            image.save()
            report.created.append(f"image {key}")
        images[key] = image
        progress.update(1)
    return images
