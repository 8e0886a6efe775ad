import React, { useState } from 'react';
import { Button, Input, Stack, useStyles2 } from '@grafana/ui';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { testIds } from '../testIds';
import { useDraftContext } from './fields';

const SHOWN = 40;

/**
 * The list of a long part (up to 128 groups, 512 monitors) with a name filter; one item is
 * edited at a time, so a maximum configuration stays quick to type in. Items with problems
 * are marked.
 */
export function ItemPicker({
  list,
  what,
  selected,
  onSelect,
  onAdd,
}: {
  list: 'groups' | 'monitors';
  what: string;
  selected: number;
  onSelect: (i: number) => void;
  onAdd?: () => void;
}) {
  const s = useStyles2(getStyles);
  const { value, problems, readOnly } = useDraftContext();
  const [filter, setFilter] = useState('');
  const items = ((value([list]) as Array<{ name?: unknown }> | undefined) ?? []).map((x, i) => ({
    i,
    name: typeof x?.name === 'string' ? x.name : `(${what} ${i + 1})`,
  }));
  const shown = items.filter((x) => filter === '' || x.name.includes(filter));
  return (
    <div className={s.picker}>
      <Input
        placeholder={`Filter ${list}`}
        aria-label={`Filter ${list}`}
        value={filter}
        onChange={(e) => setFilter(e.currentTarget.value)}
      />
      <Stack direction="column" gap={0}>
        {shown.slice(0, SHOWN).map((x) => (
          <Button
            key={x.i}
            size="sm"
            fill={x.i === selected ? 'solid' : 'text'}
            variant={
              problems.under([list, x.i]).length > 0 ? 'destructive' : x.i === selected ? 'primary' : 'secondary'
            }
            onClick={() => onSelect(x.i)}
            data-testid={testIds.configEditor.select(list, x.name)}
          >
            {x.name}
          </Button>
        ))}
        {shown.length > SHOWN && <span>{shown.length - SHOWN} more: filter by name</span>}
      </Stack>
      {!readOnly && onAdd && (
        <Button
          size="sm"
          variant="secondary"
          icon="plus"
          onClick={onAdd}
          data-testid={testIds.configEditor.add([list])}
        >
          Add {what}
        </Button>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  picker: css({ minWidth: 220, maxWidth: 280, display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
});
