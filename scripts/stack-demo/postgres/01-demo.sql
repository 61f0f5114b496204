-- Demo PostgreSQL 17 for docker-compose.yml: a few real problems for DB Patrol to find, and a least-privilege
-- monitoring role (the grants of the README's "Monitoring account" section).
CREATE TABLE order_events (order_id int NOT NULL, event text NOT NULL, at timestamptz NOT NULL DEFAULT now());
INSERT INTO order_events(order_id, event) SELECT g, 'created' FROM generate_series(1, 1000) g;
-- A sequence close to its limit.
CREATE SEQUENCE ticket_seq AS smallint;
SELECT setval('ticket_seq', 32000);
-- Duplicate indexes.
CREATE TABLE customers (id int PRIMARY KEY, email text);
CREATE INDEX customers_email_a ON customers(email);
CREATE INDEX customers_email_b ON customers(email);
-- A superuser application login.
CREATE ROLE app_admin LOGIN SUPERUSER PASSWORD 'demo-app-admin';

CREATE ROLE dbpatrol LOGIN PASSWORD 'demo-dbpatrol';
GRANT pg_monitor TO dbpatrol;
GRANT pg_read_all_data TO dbpatrol;
