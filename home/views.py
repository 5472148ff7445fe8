from wagtail.admin.viewsets.model import ModelViewSet

from .models import Organisation


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "org_type", "local_authority_area", "org_id"]
    list_filter = ["org_type", "local_authority_area"]
    search_fields = ["name", "org_id", "companies_house_number"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = [
        "name",
        "slug",
        "org_type",
        "org_id",
        "companies_house_number",
        "website",
        "local_authority_area",
        "size",
        "description",
        "logo",
    ]


organisation_viewset = OrganisationViewSet("organisations")
