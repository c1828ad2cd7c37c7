-- Rate limits per client address, shared by every server process: one
-- counter per bucket (what is limited, and a hash of the address) and fixed
-- window. Rows older than a day are swept.

CREATE TABLE rate_limits (
    bucket       TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_by_window ON rate_limits (window_start);
