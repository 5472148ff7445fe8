"""Choosers for the page editor's links to records (a case study's pilot, a partner
page's organisation): a searchable, paginated modal in place of a drop-down that lists
every record (10,000 pilots at the benchmark's scale).

Registering a chooser also makes it the widget for every admin form field that points
at that model. Its views answer only people who edit pages or may view the records;
anyone else with admin access (an assessor) gets 403.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy


def may_choose(user, model) -> bool:
    if not user.is_active:
        return False
    meta = model._meta
    return (
        user.has_perm(f"{meta.app_label}.view_{meta.model_name}")
        or user.has_perm(f"{meta.app_label}.change_{meta.model_name}")
        or PagePermissionPolicy().user_has_any_permission(user, ["add", "change"])
    )


class _Listing:
    """The chooser's list: the record's own columns beside its title, read with the
    rows they need in the same query."""

    extra_columns: tuple[tuple[str, str], ...] = ()
    select_related: tuple[str, ...] = ()

    def get_object_list(self):
        return self.model_class.objects.select_related(*self.select_related)

    @property
    def columns(self):
        return super().columns + [
            Column(accessor, label=label, accessor=accessor)
            for accessor, label in self.extra_columns
        ]


class _EditorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not may_choose(request.user, self.model_class):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _guarded(view_class):
    return type(view_class.__name__, (_EditorsOnly, view_class), {})


class _BadIdIsNotFound:
    """Wagtail's chosen views answer 404 for a missing record but 500 for an id that is
    no id at all (`chosen/x/` on an integer key raises ValueError): that is a missing
    record too."""

    def get_object(self, pk):
        try:
            return super().get_object(pk)
        except (ValueError, TypeError, OverflowError, ValidationError) as error:
            raise self.model_class.DoesNotExist from error


def bad_ids_not_found(view_class):
    return type(view_class.__name__, (_BadIdIsNotFound, view_class), {})


class _NoCreateView(chooser_views.CreateView):
    """These choosers have no 'create' tab; its URL answers 404 rather than failing
    on the form that is not there."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404("Records are made on their own screens")


def name_search_form(field: str) -> type[BaseFilterForm]:
    """The chooser's search box, matching part of one field (a pilot's title, an
    organisation's name) case-insensitively."""

    class NameSearchForm(BaseFilterForm):
        q = forms.CharField(
            label="Search term",
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"placeholder": "Search"}),
        )

        def filter(self, objects):
            objects = super().filter(objects)
            query = (self.cleaned_data.get("q") or "").strip()
            if query:
                self.is_searching = True
                self.search_query = query
                objects = objects.filter(**{f"{field}__icontains": query})
            return objects

    return NameSearchForm


class RecordChooserViewSet(ChooserViewSet):
    """A chooser with no 'create' tab (records are made on their own screens), a
    search box on `search_field`, sorted by it, and its views kept to page editors."""

    search_field = "title"
    extra_columns: tuple[tuple[str, str], ...] = ()  # (attribute or method, label)
    select_related: tuple[str, ...] = ()
    per_page = 20
    chosen_view_class = _guarded(bad_ids_not_found(chooser_views.ChosenView))
    chosen_multiple_view_class = _guarded(chooser_views.ChosenMultipleView)
    create_view_class = _guarded(_NoCreateView)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listing = {
            "filter_form_class": name_search_form(self.search_field),
            "ordering": self.search_field,
            "extra_columns": self.extra_columns,
            "select_related": self.select_related,
        }
        self.choose_view_class = type(
            "ChooseView", (_EditorsOnly, _Listing, chooser_views.ChooseView), listing
        )
        self.choose_results_view_class = type(
            "ChooseResultsView",
            (_EditorsOnly, _Listing, chooser_views.ChooseResultsView),
            listing,
        )
