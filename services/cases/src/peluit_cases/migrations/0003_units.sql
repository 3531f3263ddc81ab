-- The KKP units of the reported people, kept in clear for filters and statistics (no names).
ALTER TABLE cases ADD COLUMN units text[] NOT NULL DEFAULT '{}';
CREATE INDEX cases_units ON cases USING gin (units);
