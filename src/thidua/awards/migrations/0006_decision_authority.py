import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0005_registry_search_indexes'),
        ('orgs', '0002_emulation_bodies_and_officers'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='decision',
            name='decision_number_unique',
        ),
        migrations.AddField(
            model_name='decision',
            name='source_document',
            field=models.FileField(blank=True, upload_to='decisions/%Y/', verbose_name='văn bản gốc (bản chụp)'),
        ),
        migrations.AddField(
            model_name='decision',
            name='transcribed_by',
            field=models.ForeignKey(blank=True, help_text='Trống: quyết định do chính cơ quan ban hành ghi. Có giá trị: bản ghi lại quyết định của cơ quan khác, do cơ quan này nhập từ văn bản nhận được.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='transcribed_decisions', to='orgs.organization', verbose_name='cơ quan ghi lại'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.UniqueConstraint(condition=models.Q(('transcribed_by__isnull', True)), fields=('authority', 'number'), name='decision_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.UniqueConstraint(condition=models.Q(('transcribed_by__isnull', False)), fields=('transcribed_by', 'authority', 'number'), name='decision_transcription_unique'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('transcribed_by__isnull', True), models.Q(('source_document', ''), _negated=True), _connector='OR'), name='decision_transcription_has_source'),
        ),
    ]
