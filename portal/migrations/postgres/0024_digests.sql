-- The daily digest: on by default per organisation, sent at the member's
-- chosen hour in their own time zone (UTC and 08:00 until they choose),
-- and once per member, organisation and local day, whichever server's
-- sweep gets there first (the primary key decides).
ALTER TABLE staff_mail_settings ADD COLUMN digest SMALLINT NOT NULL DEFAULT 1 CHECK (digest IN (0, 1));
ALTER TABLE staff ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE staff ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 8 CHECK (digest_hour BETWEEN 0 AND 23);
CREATE TABLE staff_digests (
    staff_id   BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    org        TEXT    NOT NULL,
    local_date TEXT    NOT NULL,
    -- How many requests it named; 0: there was nothing to say, nothing sent.
    named      BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (staff_id, org, local_date)
);
