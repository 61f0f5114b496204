import { describe, expect, it } from 'vitest';

import { isReadOnlyValue, parseMysqlVersion, parsePostgresVersion, replicaStatusStatement } from './server-facts.js';

describe('parseMysqlVersion', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1', 'mariadb', '10.11.19', 101119],
    ['5.5.5-10.6.12-MariaDB-1:10.6.12+maria~ubu2004', 'mariadb', '10.6.12', 100612],
    ['5.5.5-10.11.6-MariaDB', 'mariadb', '10.11.6', 101106],
    ['11.4.2-MariaDB-ubu2404', 'mariadb', '11.4.2', 110402],
    ['10.5.9-MariaDB-log', 'mariadb', '10.5.9', 100509],
    ['8.0.36', 'mysql', '8.0.36', 80036],
    ['8.0.36-0ubuntu0.22.04.1', 'mysql', '8.0.36', 80036],
    ['8.0.36-28', 'mysql', '8.0.36', 80036],
    ['5.7.44-log', 'mysql', '5.7.44', 50744],
    ['8.4.0-commercial', 'mysql', '8.4.0', 80400],
    ['5.5.5', 'mysql', '5.5.5', 50505],
    ['9.1', 'mysql', '9.1.0', 90100],
    [' 8.0.22 ', 'mysql', '8.0.22', 80022],
  ])('%s → %s %s', (raw, flavor, version, versionNum) => {
    expect(parseMysqlVersion(raw)).toEqual({ flavor, version, versionNum });
  });

  it.each(['', 'MariaDB', 'version 8', 'abc-1.2.3'])('rejects %j', (raw) => {
    expect(() => parseMysqlVersion(raw)).toThrow(/unrecognised server version/);
  });
});

describe('parsePostgresVersion', () => {
  it.each([
    ['15.20 (Debian 15.20-0+deb12u1)', '150020', '15.20', 150020],
    ['16.4', 160004, '16.4', 160004],
    ['17beta1', '170000', '17', 170000],
    ['9.6.24', '90624', '9.6.24', 90624],
  ])('%s / %s → %s %d', (serverVersion, num, version, versionNum) => {
    expect(parsePostgresVersion(serverVersion, num)).toEqual({ flavor: 'postgres', version, versionNum });
  });

  it.each([
    ['', '150020'],
    ['15.2', 'x'],
    ['15.2', '0'],
  ])('rejects %j / %j', (serverVersion, num) => {
    expect(() => parsePostgresVersion(serverVersion, num)).toThrow(/unrecognised server version/);
  });
});

describe('replicaStatusStatement', () => {
  it.each([
    ['mariadb', 101119, 'SHOW ALL SLAVES STATUS'],
    ['mariadb', 50544, 'SHOW SLAVE STATUS'],
    ['mysql', 80036, 'SHOW REPLICA STATUS'],
    ['mysql', 80022, 'SHOW REPLICA STATUS'],
    ['mysql', 80021, 'SHOW SLAVE STATUS'],
    ['mysql', 50744, 'SHOW SLAVE STATUS'],
  ] as const)('%s %d → %s', (flavor, versionNum, statement) => {
    expect(replicaStatusStatement(flavor, versionNum)).toBe(statement);
  });
});

describe('isReadOnlyValue', () => {
  it.each([
    [0, false],
    [1, true],
    ['0', false],
    ['1', true],
    ['OFF', false],
    ['ON', true],
    ['NO_LOCK', true],
    [null, false],
    [undefined, false],
  ])('%j → %s', (value, readOnly) => {
    expect(isReadOnlyValue(value)).toBe(readOnly);
  });
});
