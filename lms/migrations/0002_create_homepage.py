from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("lms.HomePage")

    # Wagtail's first migration leaves a placeholder page at depth 2; replace it with ours.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    if HomePage.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="lms")
    root = Page.objects.get(depth=1)
    numchild = Page.objects.filter(depth=2).count()
    homepage = HomePage.objects.create(
        title="网格学院",
        draft_title="网格学院",
        slug="home",
        content_type=content_type,
        path=f"{root.path}{numchild + 1:04d}",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale_id=root.locale_id,
    )
    Page.objects.filter(pk=root.pk).update(numchild=numchild + 1)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": homepage.pk, "site_name": "网格学院"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
