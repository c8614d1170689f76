-- Marks the default dashboards the app creates (such as a supervisor's overview),
-- so each is created once per owner.

ALTER TABLE dashboards ADD COLUMN system_key TEXT;
CREATE UNIQUE INDEX dashboards_system_key ON dashboards (owner, system_key) WHERE system_key IS NOT NULL;
