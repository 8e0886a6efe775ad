import type { Command } from 'commander';
import * as snmp from 'net-snmp';
import { parseEndpoint } from '../../config/model';
import { classifyPet, decodePet, PET_DATA_OID, PET_ENTERPRISE_OID, PET_TRAP_OID_PREFIX } from '../../traps/pet';
import { buildPetData } from '../../traps/pet/build';
import { CliError } from '../client';
import { EXIT } from '../exit-codes';

export function registerTrapCommands(program: Command) {
  const trap = program.command('trap').description('decode and send IPMI Platform Event Traps');

  trap
    .command('decode')
    .description('show what the decoder and the default classification make of a PET')
    .argument('<specific>', 'specific-trap number (decimal, or 0x-prefixed hex)')
    .argument('[hex...]', 'the PET data varbind as hex (spaces allowed)')
    .option('--json', 'print JSON')
    .action((specificText: string, hexParts: string[], opts: { json?: boolean }) => {
      const specific = Number(specificText);
      if (!Number.isInteger(specific) || specific < 0 || specific > 0xffffffff) {
        throw new CliError(`"${specificText}" is not a specific-trap number`, EXIT.USAGE);
      }
      const hex = hexParts.join('').replace(/\s+/g, '');
      if (!/^([0-9a-fA-F]{2})*$/.test(hex)) {
        throw new CliError('the data must be an even number of hex digits', EXIT.USAGE);
      }
      const pet = decodePet({ specific, data: hex ? Buffer.from(hex, 'hex') : undefined });
      const classification = classifyPet(pet);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ...pet, classification }, null, 2) + '\n');
        return;
      }
      const d = pet.data;
      const rows: Array<[string, unknown]> = [
        ['event', pet.description],
        ['class', `${classification.classification} (${classification.reason})`],
        ['sensor type', `0x${hex2(pet.sensorType)} ${pet.sensorTypeName}`],
        ['event type', `0x${hex2(pet.eventType)} ${pet.eventTypeName}`],
        ['direction', pet.direction],
        ['offset', `${pet.offset} ${pet.offsetName}`],
        ...(d
          ? ([
              ['severity', d.severity !== undefined ? `0x${hex2(d.severity)} ${d.severityName}` : undefined],
              ['guid', d.guid],
              ['sequence', d.sequence],
              ['time', d.timestamp],
              [
                'sensor',
                d.sensorNumber !== undefined
                  ? `device 0x${hex2(d.sensorDevice ?? 0)} number 0x${hex2(d.sensorNumber)}`
                  : undefined,
              ],
              ['entity', d.entity !== undefined ? `${d.entityName} instance ${d.entityInstance}` : undefined],
              ['event data', d.eventData],
              [
                'manufacturer',
                d.manufacturerId !== undefined
                  ? `${d.manufacturerId} ${d.manufacturerName ?? ''} (${d.manufacturerIdByteOrder}-endian)`
                  : undefined,
              ],
              ['system id', d.systemId],
              ['data length', `${d.length} bytes${d.truncated ? ' (truncated)' : ''}`],
            ] as Array<[string, unknown]>)
          : ([['data', 'none']] as Array<[string, unknown]>)),
        ...pet.warnings.map((w): [string, unknown] => ['warning', w]),
      ];
      for (const [k, v] of rows) {
        if (v !== undefined && v !== '') {
          process.stdout.write(`${k.padEnd(13)} ${String(v)}\n`);
        }
      }
    });

  trap
    .command('send')
    .description('send a PET test trap (SNMPv1 or v2c) to a BMCNOTICE keyword address')
    .requiredOption('--to <address[:port]>', 'where to send it (a monitor keyword)')
    .requiredOption('--specific <n>', 'specific-trap number, e.g. 880385 (drive fault)')
    .option('--severity <n>', 'PET severity byte (0x10 critical, 0x08 non-critical, 0x02 information)', '0x10')
    .option('--version <v>', '1 or 2c', '1')
    .option('--community <c>', 'community', 'public')
    .option('--from <address>', 'source address to send from (e.g. the BMC address the agent allows)')
    .option(
      '--sequence <n>',
      'PET sequence number (same GUID and sequence = a resend)',
      String(Math.floor(Math.random() * 65535) + 1)
    )
    .action(
      async (opts: {
        to: string;
        specific: string;
        severity: string;
        version: string;
        community: string;
        sequence: string;
        from?: string;
      }) => {
        const to = parseEndpoint(opts.to, 162);
        if (!to.ok) {
          throw new CliError(`--to: ${to.error}`, EXIT.USAGE);
        }
        const specific = Number(opts.specific);
        const data = buildPetData({
          specific,
          severity: Number(opts.severity),
          sequence: Number(opts.sequence),
          time: new Date(),
        });
        const session = snmp.createSession(to.value.address, opts.community, {
          trapPort: to.value.port,
          version: opts.version === '2c' ? snmp.Version2c : snmp.Version1,
          ...(opts.from ? { sourceAddress: opts.from } : {}),
        });
        if (opts.from) {
          // net-snmp binds the source address asynchronously: sending earlier would go out unbound.
          const socket = (session as unknown as { dgram: import('node:events').EventEmitter }).dgram;
          await new Promise<void>((resolve, reject) => {
            socket.once('listening', () => resolve());
            socket.once('error', (e: Error) =>
              reject(new CliError(`cannot send from ${opts.from}: ${e.message}`, EXIT.UNAVAILABLE))
            );
          });
        }
        const varbinds = [{ oid: PET_DATA_OID, type: snmp.ObjectType.OctetString, value: data }];
        await new Promise<void>((resolve, reject) => {
          const done = (e?: Error | null) =>
            e ? reject(new CliError(`cannot send: ${e.message}`, EXIT.UNAVAILABLE)) : resolve();
          if (opts.version === '2c') {
            session.trap(`${PET_TRAP_OID_PREFIX}${specific}`, varbinds, {}, done);
          } else {
            // net-snmp's v1 form: "<enterprise>.<specific>" makes an enterprise-specific trap.
            session.trap(`${PET_ENTERPRISE_OID}.${specific}`, varbinds, { agentAddr: opts.from ?? '127.0.0.1' }, done);
          }
        });
        session.close();
        process.stdout.write(`sent PET ${specific} (${decodePet({ specific, data }).description}) to ${opts.to}\n`);
      }
    );
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
