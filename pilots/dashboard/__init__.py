"""The programme dashboard in the Wagtail admin: the pipeline, pilots by status and
theme, metrics on and off track, measurements overdue."""
