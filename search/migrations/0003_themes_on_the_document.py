from django.db import migrations


class Migration(migrations.Migration):
    """Themes live on the search document itself (copied there by 0002)."""

    dependencies = [("lab_search", "0002_searchdocument_theme_list")]

    operations = [
        migrations.DeleteModel(name="SearchDocumentTheme"),
        migrations.RenameField(
            model_name="searchdocument", old_name="theme_list", new_name="themes"
        ),
    ]
