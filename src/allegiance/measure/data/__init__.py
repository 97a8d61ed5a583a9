"""The imported datasets: their store, formats and importer, the votes read from them, and the code crosswalk.

- :mod:`.store`: the DuckDB data store, its versions and citations.
- :mod:`.formats`: the dataset kinds, their columns and checks.
- :mod:`.importer`: :func:`import_dataset`, all or nothing.
- :mod:`.votes`: UN General Assembly votes from the store, as matrices and tables.
- :mod:`.codes` (with the generated ``_cow_table``): the one COW / ISO 3166 crosswalk,
  used by the importer and by the ideal-point validation reader alike.

The public names are re-exported from :mod:`allegiance.measure`.
"""
