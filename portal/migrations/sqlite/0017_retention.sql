-- When the retention purge anonymised a closed request: its personal data
-- (address, answers, outcome text, messages, attachments, codes, collected
-- data, packages) is gone; what remains (reference, kind, status, dates)
-- keeps the statistics and the audit log's references meaningful.

ALTER TABLE requests ADD COLUMN anonymised_at INTEGER;
CREATE INDEX requests_by_org_closed ON requests (org, status, updated_at);
