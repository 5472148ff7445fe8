"""Publishing pilots: the case-study and partner pages, their finders, charts and
filters."""
