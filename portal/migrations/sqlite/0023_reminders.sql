-- The one reminder to a subject who has not confirmed a request after a
-- day: when it was written (to the outbox), so that it goes once.
ALTER TABLE requests ADD COLUMN reminded_at INTEGER;
