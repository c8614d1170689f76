-- Marks the demo accounts (published passwords), so they can be switched off whenever the
-- warehouse is not the built-in synthetic one. Accounts seeded before this migration are
-- recognised by the username and display name the seeder gave them.

ALTER TABLE users ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));

UPDATE users SET demo = 1
WHERE (username, display_name) IN (
    VALUES ('officer', 'Demo Officer'), ('sergeant', 'Demo Sergeant'),
           ('supervisor', 'Demo Supervisor'), ('admin', 'Demo Admin')
);
