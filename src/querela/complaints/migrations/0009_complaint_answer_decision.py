# The answer's decision (issue 13, item 5): upheld, partly upheld or rejected; blank on complaints answered before.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0008_worklist_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='decision',
            field=models.CharField(blank=True, choices=[('upheld', 'Upheld'), ('partly_upheld', 'Partly upheld'), ('rejected', 'Rejected')], max_length=20, verbose_name='decision'),
        ),
    ]
