"""Background work: django-tasks' backend (immediate when embedded, the database backend of
django-tasks-db with `manage.py db_worker` in production) and the schedule of periodic work.

A part of the settings: apothecary/settings/__init__.py applies the parts in order."""
