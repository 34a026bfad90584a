"""Index: hybrid (BM25 + dense) retrieval over the ingest records, persisted as checked plain files."""
