"""Partitions: one per story date (YYYY-MM-DD), added as stories with new dates arrive."""

import dagster as dg

story_dates = dg.DynamicPartitionsDefinition(name="story_dates")
