-- Privileges of Louyu's runtime role (README, "Production"). Run as the migration role
-- (the owner of the tables) after every `louyu migrate`, so new tables are covered too.
-- The runtime role reads and writes the application's tables, but may only insert and read
-- audit events: no UPDATE, DELETE or TRUNCATE there, and (not being the owner) no ALTER,
-- so it can neither edit the trail nor disable its triggers.
GRANT USAGE ON SCHEMA public TO louyu_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO louyu_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO louyu_app;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON core_auditevent FROM louyu_app;
