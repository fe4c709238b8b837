"""The index for the registry's decision-year filter sorted by award type. Built CONCURRENTLY on PostgreSQL (the
registry stays writable while a national table is indexed: ~10 s for 8,8 M records here), hence atomic = False;
a rerun after an interruption skips it when it exists."""

from django.db import migrations, models

from thidua.lib.migration_ops import add_index_concurrently_operation

INDEX = models.Index(fields=["decision_year", "-award_type_rank", "recipient_name_folded", "id"],
                     name="award_dyear_rank_name_id")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("awards", "0011_summary_triggers_by_key"),
    ]

    operations = [add_index_concurrently_operation("awards", "Award", INDEX)]
