/**
 * Trap intake wired into the agent: which BMCNOTICE monitors listen where (TrapIntake),
 * the SNMP receiver bound to those endpoints, and the denied-source log throttle. A new
 * configuration revision rebuilds the intake at once and rebinds the receiver only when
 * what it listens on or accepts changed (a rebind leaves a gap of a few milliseconds).
 */
import { isDeepStrictEqual } from 'node:util';
import type { ClusterConfig } from '../config/model';
import { readSecret } from '../config/secrets';
import type { EventLog } from '../events/event-log';
import type { Logger } from '../log';
import type { MonitorBoard } from '../monitors/monitor-board';
import { TrapIntake } from '../traps/intake';
import type { TrapMetrics } from '../traps/metrics';
import { SourcePolicy } from '../traps/receiver/source-policy';
import { TrapReceiver, type SnmpUserSecret } from '../traps/receiver/snmp-receiver';
import type { Clock } from '../time/clock';
import { ConfigError } from './errors';

export interface AgentTrapsDeps {
  self: string;
  log: Logger;
  events: EventLog;
  board: MonitorBoard;
  metrics: TrapMetrics;
  clock: Clock;
}

export class AgentTraps {
  private current!: TrapIntake;
  private receiver: TrapReceiver | null = null;
  /** What the receiver was built from: a revision that changes none of it keeps the sockets. */
  private receiving: unknown = null;

  constructor(private readonly deps: AgentTrapsDeps) {}

  get intake(): TrapIntake {
    return this.current;
  }

  /** Builds the intake and binds the receiver (rejects with the bind error). */
  async start(config: ClusterConfig): Promise<void> {
    this.current = this.newIntake(config);
    await this.bind(config);
  }

  /**
   * Applies a new revision. Secrets are read first (a user whose key file is missing throws
   * ConfigError and changes nothing); when the new endpoints cannot be bound, the previous
   * ones are bound again and the error is thrown.
   */
  async reconfigure(previous: ClusterConfig, config: ClusterConfig): Promise<void> {
    const users = resolveUsers(config);
    const intake = this.newIntake(config);
    if (isDeepStrictEqual(this.receiverInput(config, intake), this.receiving)) {
      this.current = intake;
      return;
    }
    await this.receiver?.stop();
    this.receiver = null;
    const old = this.current;
    this.current = intake;
    try {
      await this.bind(config, users);
    } catch (e) {
      this.current = old;
      await this.bind(previous).catch((again: Error) =>
        this.deps.log.error({ err: again.message }, 'could not bind the previous trap endpoints again')
      );
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.receiver?.stop();
    this.receiver = null;
  }

  private newIntake(config: ClusterConfig): TrapIntake {
    const { self, events, board, metrics, clock } = this.deps;
    return new TrapIntake(config, self, { events, board, metrics, clock });
  }

  private receiverInput(config: ClusterConfig, intake: TrapIntake): unknown {
    const t = config.traps;
    return {
      endpoints: intake.endpoints(),
      communities: t.communities,
      users: t.users,
      receiveBufferBytes: t.receiveBufferBytes,
      allowSources: t.allowSources,
      servers: config.servers,
      interconnects: config.interconnects,
    };
  }

  private async bind(config: ClusterConfig, users = resolveUsers(config)): Promise<void> {
    const { log, metrics, clock } = this.deps;
    const endpoints = this.current.endpoints();
    this.receiving = this.receiverInput(config, this.current);
    if (endpoints.length === 0) {
      return;
    }
    const t = config.traps;
    const policy = SourcePolicy.fromConfig(config);
    const receiver = new TrapReceiver({
      endpoints,
      communities: t.communities,
      users,
      receiveBufferBytes: t.receiveBufferBytes,
      policy,
      clock,
      onTrap: (trap) => this.current.handle(trap),
      onResult: (result, source) => {
        metrics.packet(result);
        const denial = result === 'denied-source' && policy.denialToLog(source.address, clock.now());
        if (denial === 'source') {
          log.warn(
            { source: source.address },
            'trap from a source that is not allowed was denied (logged once a minute per source)'
          );
        } else if (denial === 'untracked') {
          log.warn(
            { source: source.address },
            'traps from more denied sources than are tracked: further new sources are not logged this minute (lifeline_trap_packets_rejected_total counts them)'
          );
        }
      },
    });
    for (const b of await receiver.start()) {
      log.info(
        { endpoint: `${b.endpoint.address}:${b.endpoint.port}`, receiveBufferBytes: b.receiveBufferBytes },
        'receiving traps'
      );
    }
    this.receiver = receiver;
  }
}

/** The SNMPv3 users with their keys read (ConfigError naming the user on failure). */
export function resolveUsers(config: ClusterConfig): SnmpUserSecret[] {
  return config.traps.users.map((u, i) => {
    try {
      return {
        name: u.name,
        authProtocol: u.authProtocol,
        authKey: readSecret(u.authKey),
        privProtocol: u.privProtocol,
        privKey: u.privKey ? readSecret(u.privKey) : undefined,
      };
    } catch (e) {
      throw new ConfigError(`traps.users[${i}]: ${(e as Error).message}`);
    }
  });
}
