-- What sources return is kept as chunks of JSON lines (one record per line,
-- about a megabyte per chunk) instead of one JSON array per source and
-- category, so that collecting and packaging a large answer never holds it
-- whole in memory. `export_data` keeps what the package needs up front:
-- how many records, how many bytes, and the fields seen (the CSV columns).
-- A row is `complete` once its source finished; the rows of a collector
-- that died are ignored, and cleared by the source's next run.

CREATE TABLE export_chunks (
    data_id INTEGER NOT NULL REFERENCES export_data (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    lines   TEXT    NOT NULL,
    PRIMARY KEY (data_id, seq)
);

ALTER TABLE export_data ADD COLUMN record_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE export_data ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE export_data ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE export_data ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;

-- Rows collected before this: each array becomes one chunk, and its
-- fields are listed as they come in the stored records.
INSERT INTO export_chunks (data_id, seq, lines)
SELECT d.id, 0, group_concat(j.value, char(10)) || char(10)
FROM export_data d, json_each(d.records) j
GROUP BY d.id;

UPDATE export_data SET
    record_count = json_array_length(records),
    bytes = coalesce((SELECT length(lines) FROM export_chunks c WHERE c.data_id = export_data.id), 0),
    fields = (SELECT json_group_array(DISTINCT k.key) FROM json_each(export_data.records) r, json_each(r.value) k),
    records = '';

-- Once its download period is over, a package's file is deleted from the
-- export store by the sweep, which sets `purged_at`; the data collected
-- for a request goes when the request is closed.
ALTER TABLE exports ADD COLUMN purged_at INTEGER;
