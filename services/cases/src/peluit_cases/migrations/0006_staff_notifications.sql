-- How each staff member wants to be told (published in staff.changed v2 to the notifications
-- service): at once, or one daily digest (which also hides when individual reports arrive);
-- and the language of the notices.
ALTER TABLE staff_users
    ADD COLUMN notification_mode text NOT NULL DEFAULT 'immediate'
        CHECK (notification_mode IN ('immediate', 'daily_digest')),
    ADD COLUMN language text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en'));
