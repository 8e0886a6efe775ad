/**
 * Form fields bound to a path of the draft: each reads its value there, writes it back
 * there, and shows the validation problem of exactly that path. Left empty, an optional
 * field is removed from the draft, which means "the default" as in the YAML.
 */
import React, { createContext, useContext } from 'react';
import { Alert, Combobox, Field, IconButton, InlineSwitch, Input, RadioButtonGroup, Stack, Button } from '@grafana/ui';
import { formatPath, type PathPart } from '../../../backend/config/model';
import { getIn, type ProblemIndex } from '../../config/draft';
import type { Draft } from '../../config/useDraft';
import { testIds } from '../testIds';

export interface DraftContextValue {
  draft: Draft;
  problems: ProblemIndex;
  readOnly: boolean;
}

export const DraftContext = createContext<DraftContextValue | null>(null);

export function useDraftContext(): DraftContextValue & { value: (path: readonly PathPart[]) => unknown } {
  const c = useContext(DraftContext);
  if (!c) {
    throw new Error('config form outside DraftContext');
  }
  return { ...c, value: (path) => getIn(c.draft.data, path) };
}

interface FieldProps {
  path: PathPart[];
  label: string;
  description?: string;
  width?: number;
  placeholder?: string;
}

/** Field with the problem of `path` under it. */
function PathField({ path, label, description, children }: FieldProps & { children: React.ReactElement }) {
  const { problems } = useDraftContext();
  const error = problems.at(path);
  return (
    <Field label={label} description={description} invalid={error !== undefined} error={error}>
      {children}
    </Field>
  );
}

const asText = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function TextField(props: FieldProps & { required?: boolean; onText?: (text: string) => void }) {
  const { draft, readOnly, value } = useDraftContext();
  return (
    <PathField {...props}>
      <Input
        width={props.width}
        placeholder={props.placeholder}
        value={asText(value(props.path))}
        disabled={readOnly}
        data-testid={testIds.configEditor.field(props.path)}
        onChange={(e) => {
          const t = e.currentTarget.value;
          if (props.onText) {
            props.onText(t);
          } else {
            draft.set(props.path, t === '' && !props.required ? undefined : t);
          }
        }}
      />
    </PathField>
  );
}

/** A number; what is not a number stays text, so validation says what is wrong with it. */
export function NumberField(props: FieldProps) {
  const { draft, readOnly, value } = useDraftContext();
  return (
    <PathField {...props}>
      <Input
        width={props.width ?? 16}
        placeholder={props.placeholder ?? 'default'}
        value={asText(value(props.path))}
        disabled={readOnly}
        inputMode="numeric"
        data-testid={testIds.configEditor.field(props.path)}
        onChange={(e) => {
          const t = e.currentTarget.value.trim();
          draft.set(props.path, t === '' ? undefined : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t);
        }}
      />
    </PathField>
  );
}

export function SwitchField(props: FieldProps) {
  const { draft, readOnly, value } = useDraftContext();
  const v = value(props.path);
  return (
    <PathField {...props}>
      <InlineSwitch
        value={v === true}
        disabled={readOnly}
        data-testid={testIds.configEditor.field(props.path)}
        onChange={(e) => draft.set(props.path, e.currentTarget.checked)}
      />
    </PathField>
  );
}

/** One of a few values; cleared, the default. */
export function SelectField(props: FieldProps & { options: string[]; onValue?: (v: string | undefined) => void }) {
  const { draft, readOnly, value } = useDraftContext();
  const v = value(props.path);
  return (
    <PathField {...props}>
      <Combobox
        width={props.width ?? 24}
        disabled={readOnly}
        isClearable
        placeholder={props.placeholder ?? 'default'}
        options={props.options.map((o) => ({ label: o, value: o }))}
        value={typeof v === 'string' ? v : null}
        data-testid={testIds.configEditor.field(props.path)}
        onChange={(o) => (props.onValue ?? ((v) => draft.set(props.path, v)))(o?.value ?? undefined)}
      />
    </PathField>
  );
}

/** A list of short texts written comma-separated (communities, ping targets, server lists). */
export function ListField(props: FieldProps & { optional?: boolean }) {
  const { draft, readOnly, value } = useDraftContext();
  const v = value(props.path);
  return (
    <PathField {...props} description={props.description ?? 'Comma-separated.'}>
      <Input
        width={props.width}
        placeholder={props.placeholder}
        value={Array.isArray(v) ? v.join(', ') : asText(v)}
        disabled={readOnly}
        data-testid={testIds.configEditor.field(props.path)}
        onChange={(e) => {
          const items = e.currentTarget.value
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '');
          draft.set(props.path, items.length === 0 && props.optional ? undefined : items);
        }}
      />
    </PathField>
  );
}

/** Field hands `invalid` to its child: a row of two inputs takes it without passing it to the DOM. */
function Row({ children }: { children: React.ReactNode; invalid?: boolean }) {
  return (
    <Stack direction="row" gap={1}>
      {children}
    </Stack>
  );
}

const SECRET_KINDS = ['file', 'credential', 'env'] as const;

/**
 * Where a secret lives: a file, a systemd credential or an environment variable. The
 * secret itself is never typed here: the configuration is replicated, shown and kept.
 */
export function SecretRefField(props: FieldProps) {
  const { draft, readOnly, value } = useDraftContext();
  const ref = (value(props.path) ?? {}) as Record<string, unknown>;
  const kind = SECRET_KINDS.find((k) => k in ref) ?? 'file';
  return (
    <PathField {...props} description={props.description ?? 'A reference to the secret, never the secret.'}>
      <Row>
        <RadioButtonGroup
          size="sm"
          disabled={readOnly}
          options={SECRET_KINDS.map((k) => ({ label: k, value: k }))}
          value={kind}
          onChange={(k) => draft.set(props.path, { [k]: asText(ref[kind]) })}
        />
        <Input
          width={props.width ?? 36}
          disabled={readOnly}
          placeholder={kind === 'file' ? '/etc/lifeline/secret' : kind === 'env' ? 'ENV_NAME' : 'credential-name'}
          value={asText(ref[kind])}
          data-testid={testIds.configEditor.field(props.path)}
          onChange={(e) => draft.set(props.path, { [kind]: e.currentTarget.value })}
        />
      </Row>
    </PathField>
  );
}

/** "Add <what>": appends `item` to the list at `path` (hidden when read-only). */
export function AddItem({ path, item, what }: { path: PathPart[]; item: unknown; what: string }) {
  const { draft, readOnly, value } = useDraftContext();
  if (readOnly) {
    return null;
  }
  const count = ((value(path) as unknown[] | undefined) ?? []).length;
  return (
    <div>
      <Button
        size="sm"
        variant="secondary"
        icon="plus"
        onClick={() => draft.set([...path, count], item)}
        data-testid={testIds.configEditor.add(path)}
      >
        Add {what}
      </Button>
    </div>
  );
}

/** Up, down and remove for an item of the list at `path`. */
export function ItemActions({
  path,
  index,
  count,
  what,
}: {
  path: PathPart[];
  index: number;
  count: number;
  what: string;
}) {
  const { draft, readOnly } = useDraftContext();
  if (readOnly) {
    return null;
  }
  return (
    <Stack direction="row" gap={0.5}>
      <IconButton
        name="arrow-up"
        tooltip={`Move ${what} up`}
        disabled={index === 0}
        onClick={() => draft.move(path, index, index - 1)}
        data-testid={testIds.configEditor.up(path, index)}
      />
      <IconButton
        name="arrow-down"
        tooltip={`Move ${what} down`}
        disabled={index === count - 1}
        onClick={() => draft.move(path, index, index + 1)}
        data-testid={testIds.configEditor.down(path, index)}
      />
      <IconButton
        name="trash-alt"
        tooltip={`Remove ${what}`}
        onClick={() => draft.set([...path, index], undefined)}
        data-testid={testIds.configEditor.remove(path, index)}
      />
    </Stack>
  );
}

/** Every problem inside the parts a tab edits, listed at its top (the fields show theirs too). */
export function TabProblems({ prefixes }: { prefixes: PathPart[][] }) {
  const { problems } = useDraftContext();
  const list = prefixes.flatMap((p) => problems.under(p));
  if (list.length === 0) {
    return null;
  }
  return (
    <Alert severity="error" title={`${list.length} problem${list.length === 1 ? '' : 's'} here`}>
      <ul data-testid={testIds.configEditor.tabProblems}>
        {list.map((p, i) => (
          <li key={i}>
            <code>{formatPath(p.path)}</code>: {p.message}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
