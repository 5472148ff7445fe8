from django.db import migrations, models


def copy_themes(apps, schema_editor):
    SearchDocument = apps.get_model("lab_search", "SearchDocument")
    SearchDocumentTheme = apps.get_model("lab_search", "SearchDocumentTheme")
    themes: dict[int, list[dict]] = {}
    for document_id, slug, name in SearchDocumentTheme.objects.order_by(
        "document_id", "slug"
    ).values_list("document_id", "slug", "name"):
        themes.setdefault(document_id, []).append({"slug": slug, "name": name})
    documents = list(SearchDocument.objects.filter(id__in=themes).only("id"))
    for document in documents:
        document.theme_list = themes[document.id]
    SearchDocument.objects.bulk_update(documents, ["theme_list"], batch_size=500)


def copy_back(apps, schema_editor):
    SearchDocument = apps.get_model("lab_search", "SearchDocument")
    SearchDocumentTheme = apps.get_model("lab_search", "SearchDocumentTheme")
    SearchDocumentTheme.objects.bulk_create(
        SearchDocumentTheme(document_id=document_id, slug=t["slug"], name=t["name"])
        for document_id, theme_list in SearchDocument.objects.values_list(
            "id", "theme_list"
        )
        for t in theme_list
    )


class Migration(migrations.Migration):
    dependencies = [("lab_search", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="theme_list",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(copy_themes, copy_back),
    ]
