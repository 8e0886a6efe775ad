// Debian packages the real-process tests drive, by the command they provide.
'use strict';
module.exports = {
  snmptrap: 'snmp',
  snmpinform: 'snmp',
  snmptrapd: 'snmptrapd',
  ipmi_sim: 'openipmi',
  ipmitool: 'ipmitool',
  promtool: 'prometheus',
  prometheus: 'prometheus',
  ip: 'iproute2',
  nft: 'nftables',
  arping: 'iputils-arping',
  ping: 'iputils-ping',
  'dpkg-deb': 'dpkg',
  'systemd-analyze': 'systemd',
  zip: 'zip',
  unzip: 'unzip',
  chromium: 'chromium', // the browser tests (test/browser/), driven by playwright-core
};
