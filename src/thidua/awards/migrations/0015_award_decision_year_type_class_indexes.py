"""The indexes for the registry's common filters: a decision year with a level (as its award types) and a kind of
recipient, nationally and for a set of provinces (an office's scope, a cluster year's members). Built CONCURRENTLY on
PostgreSQL (about 10 s and 60 MB each for 8,8 M records here), hence atomic = False; a rerun after an interruption
skips what is built."""

from django.db import migrations, models

from thidua.lib.migration_ops import add_index_concurrently_operation

NATIONAL = models.Index(fields=["decision_year", "award_type", "recipient_class"], name="award_dyear_type_class")
BY_PROVINCE = models.Index(fields=["province", "decision_year", "award_type", "recipient_class"],
                           name="award_prov_dyear_type_class")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("awards", "0014_award_decision_year_class_index"),
    ]

    operations = [add_index_concurrently_operation("awards", "Award", NATIONAL),
                  add_index_concurrently_operation("awards", "Award", BY_PROVINCE)]
