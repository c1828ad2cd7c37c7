-- Requests staff enter for a subject who wrote, phoned or came in: how it
-- arrived and on which day (the deadline runs from then), and who typed it
-- in. NULL for requests made in the portal.
ALTER TABLE requests ADD COLUMN channel TEXT CHECK (channel IN ('post', 'phone', 'email', 'in_person'));
ALTER TABLE requests ADD COLUMN arrived_on TEXT;
ALTER TABLE requests ADD COLUMN entered_by BIGINT REFERENCES staff (id) ON DELETE SET NULL;
