// Child process for the floating-ip netns test, run inside a host's namespace with
// `ip netns exec`: one start or stop of one address, printed as the driver's ActionResult.
'use strict';
const path = require('node:path');
const build = path.resolve(__dirname, '..', '..', '..', 'build', 'backend', 'groups', 'resources');
const { FloatingIpDriver } = require(path.join(build, 'floating-ip.js'));

const [action, address, prefix, iface] = process.argv.slice(2);
const resource = { name: 'vip', type: 'floating-ip', address, prefix: Number(prefix), interface: iface, dependsOn: [] };
const ctx = { group: 'g', server: 'netns', event: action === 'start' ? 'START' : 'STOP' };
new FloatingIpDriver().run(resource, action, ctx).then((result) => {
  process.stdout.write(`${JSON.stringify(result)}\n`);
});
