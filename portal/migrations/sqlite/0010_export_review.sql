-- Organisations may review a package before the subject can download it:
-- `released_at` is set when the subject may (at once, unless the
-- organisation requires review). Packages built before this were released
-- when built.

ALTER TABLE exports ADD COLUMN released_at INTEGER;
UPDATE exports SET released_at = created_at;
