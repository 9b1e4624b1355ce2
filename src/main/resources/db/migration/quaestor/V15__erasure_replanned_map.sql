-- An erasure started under one data map version and finished under another is re-planned against
-- the newer map; the run keeps both versions, and its certificate names both.
ALTER TABLE erasure_run ADD COLUMN finished_map_version text;
