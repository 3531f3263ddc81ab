-- What evidence keeps of a file: sealed to the cases key (name, type, file key), never plaintext.
ALTER TABLE evidence_files ALTER COLUMN wrapped_key DROP NOT NULL;
ALTER TABLE evidence_files ADD COLUMN sealed_metadata jsonb;
ALTER TABLE evidence_files ADD COLUMN sealed_file_key jsonb;
ALTER TABLE evidence_files ADD COLUMN metadata_removed boolean NOT NULL DEFAULT false;
