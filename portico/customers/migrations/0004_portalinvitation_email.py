# Invitations remember the address they were emailed to. Rows from before this migration get an empty address,
# which never matches a contact's email: their links stop working and the business invites again. Copying each
# contact's current email instead would keep alive exactly the links this field exists to stop (those emailed
# to an address that has changed since).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0003_portal_access'),
    ]

    operations = [
        migrations.AddField(
            model_name='portalinvitation',
            name='email',
            field=models.EmailField(default='', help_text="The address the link was emailed to. The link stops working if the contact's email changes; invitations from before this field existed have it empty and no longer work.", max_length=254, verbose_name='sent to'),
            preserve_default=False,
        ),
    ]
