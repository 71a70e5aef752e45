"""Writing to a row that another transaction may delete at any moment."""

from django.db import models

from shop.core.errors import NotFound


def update_or_not_found(instance: models.Model, **changes) -> None:
    """UPDATE only these fields of ``instance``'s row, and set them on ``instance``.

    ``save(update_fields=…)`` on a row deleted since it was read raises a bare
    ``DatabaseError`` ("did not affect any rows"): a 500 for what is a 404. One
    conditional UPDATE says how many rows it touched; none means the row is gone.
    """
    if changes and not type(instance)._base_manager.filter(pk=instance.pk).update(**changes):
        raise NotFound()
    for field, value in changes.items():
        setattr(instance, field, value)
