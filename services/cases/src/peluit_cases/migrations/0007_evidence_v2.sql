-- evidence.stored v2: the original file's hash, the type decided from the content, and who
-- uploaded it (the reporter or staff).
ALTER TABLE evidence ADD COLUMN original_sha256 text;
ALTER TABLE evidence ADD COLUMN media_type text;
ALTER TABLE evidence ADD COLUMN uploaded_by text;
