-- What a staff member wants to be mailed about, per organisation. No row
-- means the defaults: every kind on.
CREATE TABLE staff_mail_settings (
    staff_id      BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    org           TEXT    NOT NULL,
    new_request   SMALLINT NOT NULL CHECK (new_request IN (0, 1)),
    subject_wrote SMALLINT NOT NULL CHECK (subject_wrote IN (0, 1)),
    assigned      SMALLINT NOT NULL CHECK (assigned IN (0, 1)),
    PRIMARY KEY (staff_id, org)
);
