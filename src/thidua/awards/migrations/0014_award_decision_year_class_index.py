"""The index for the registry's decision-year filter with a kind of recipient (one year's collective awards): the
selection the walk falls back to reading and sorting when the walk along the sort index runs out of time. Built
CONCURRENTLY on PostgreSQL (7 s and 59 MB for 8,8 M records here), hence atomic = False; a rerun after an
interruption skips it when it exists."""

from django.db import migrations, models

from thidua.lib.migration_ops import add_index_concurrently_operation

INDEX = models.Index(fields=["decision_year", "recipient_class"], name="award_dyear_class")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("awards", "0013_award_province_id_index"),
    ]

    operations = [add_index_concurrently_operation("awards", "Award", INDEX)]
