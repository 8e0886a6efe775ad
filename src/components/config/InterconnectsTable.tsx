import React from 'react';
import { Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import { getTableStyles } from '../common/styles';
import { testIds } from '../testIds';
import { AddItem, ItemActions, useDraftContext } from './fields';

const TYPES = [
  { label: 'LAN', value: 'lan' },
  { label: 'BMC', value: 'bmc' },
];

/**
 * The product's interconnect table: one row per route in priority order (the first is
 * priority 0), its type, and one address column per server.
 */
export function InterconnectsTable() {
  const s = useStyles2(getTableStyles);
  const { draft, readOnly, value, problems } = useDraftContext();
  const rows = (value(['interconnects']) as Array<Record<string, unknown>> | undefined) ?? [];
  const servers = ((value(['servers']) as Array<{ name?: string }> | undefined) ?? []).map((x) => x.name ?? '');
  return (
    <div className={s.scroll}>
      <table className={s.table}>
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">Type</th>
            <th scope="col">Port</th>
            {servers.map((name, i) => (
              <th scope="col" key={i}>
                {name || `server ${i + 1}`}
              </th>
            ))}
            {!readOnly && <th scope="col">Order</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, k) => {
            const base = ['interconnects', k];
            const rowProblem = problems.at([...base, 'addresses']);
            return (
              <tr key={k} title={rowProblem}>
                <td>{k}</td>
                <td>
                  <RadioButtonGroup
                    size="sm"
                    disabled={readOnly}
                    options={TYPES}
                    value={typeof row.type === 'string' ? row.type : undefined}
                    onChange={(t) => draft.set([...base, 'type'], t)}
                  />
                </td>
                <td>
                  <Input
                    width={10}
                    disabled={readOnly}
                    placeholder="default"
                    value={row.port === undefined ? '' : String(row.port)}
                    invalid={problems.at([...base, 'port']) !== undefined}
                    title={problems.at([...base, 'port'])}
                    data-testid={testIds.configEditor.field([...base, 'port'])}
                    onChange={(e) => {
                      const t = e.currentTarget.value.trim();
                      draft.set([...base, 'port'], t === '' ? undefined : /^\d+$/.test(t) ? Number(t) : t);
                    }}
                  />
                </td>
                {servers.map((name, i) => {
                  const path = [...base, 'addresses', name];
                  const error = problems.at(path) ?? (value(path) === undefined ? rowProblem : undefined);
                  return (
                    <td key={i}>
                      <Input
                        width={18}
                        disabled={readOnly || name === ''}
                        value={String(value(path) ?? '')}
                        invalid={error !== undefined}
                        title={error}
                        aria-label={`Interconnect ${k} address of ${name}`}
                        data-testid={testIds.configEditor.field(path)}
                        onChange={(e) => draft.set(path, e.currentTarget.value || undefined)}
                      />
                    </td>
                  );
                })}
                {!readOnly && (
                  <td>
                    <ItemActions path={['interconnects']} index={k} count={rows.length} what="interconnect" />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <AddItem path={['interconnects']} item={{ type: 'lan', addresses: {} }} what="interconnect" />
    </div>
  );
}
