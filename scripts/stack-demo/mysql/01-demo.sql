-- Demo MySQL 8.4 for docker-compose.yml: a few real problems for DB Patrol to find, and a least-privilege monitoring
-- account (the grants of the README's "Monitoring account" section).
CREATE DATABASE shop;
USE shop;
-- No primary key (MY-W: tables without primary key).
CREATE TABLE order_events (order_id INT NOT NULL, event VARCHAR(40) NOT NULL, at DATETIME NOT NULL);
INSERT INTO order_events VALUES (1, 'created', NOW()), (1, 'paid', NOW());
-- An AUTO_INCREMENT column 98 % of the way to its limit (critical: auto-increment exhaustion).
CREATE TABLE coupons (id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) NOT NULL) AUTO_INCREMENT = 250;
INSERT INTO coupons(code) VALUES ('WELCOME');
-- A non-InnoDB table.
CREATE TABLE legacy_audit (id INT PRIMARY KEY, note TEXT) ENGINE = MyISAM;
-- A redundant index.
CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200), INDEX email_1 (email), INDEX email_2 (email));
-- An over-open account with every privilege (critical: reachable from anywhere).
CREATE USER 'app_admin'@'%' IDENTIFIED BY 'demo-app-admin';
GRANT ALL PRIVILEGES ON *.* TO 'app_admin'@'%';

CREATE USER 'dbpatrol'@'%' IDENTIFIED BY 'demo-dbpatrol';
GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'dbpatrol'@'%';
GRANT SELECT ON mysql.* TO 'dbpatrol'@'%';
GRANT SELECT ON performance_schema.* TO 'dbpatrol'@'%';
GRANT SELECT ON sys.* TO 'dbpatrol'@'%';
GRANT SELECT ON shop.* TO 'dbpatrol'@'%';
