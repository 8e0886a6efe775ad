import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import type { Tone } from '../../model/format';

/** Table and state styles from the theme (light and dark alike); one class per tone, not per cell. */
export const getTableStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
      whiteSpace: 'nowrap',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    'tbody tr:hover': { background: theme.colors.action.hover },
    'tbody tr[aria-selected="true"]': { background: theme.colors.action.selected },
    a: { color: theme.colors.text.link },
    'a:hover, a:focus-visible': { textDecoration: 'underline' },
  }),
  /** Grafana's global styles take bullets and indentation off lists. */
  list: css({ listStyle: 'disc', paddingLeft: theme.spacing(3), margin: theme.spacing(0.5, 0) }),
  link: css({ color: theme.colors.text.link, '&:hover, &:focus-visible': { textDecoration: 'underline' } }),
  wrap: css({ whiteSpace: 'normal', maxWidth: 480 }),
  scroll: css({ overflowX: 'auto' }),
  section: css({ marginTop: theme.spacing(2), marginBottom: theme.spacing(3) }),
  muted: css({ color: theme.colors.text.secondary }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace }),
});

export const getToneStyles = (theme: GrafanaTheme2): Record<Tone, string> => ({
  ok: css({ color: theme.colors.success.text }),
  warn: css({ color: theme.colors.warning.text }),
  bad: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightMedium }),
  info: css({ color: theme.colors.info.text }),
  muted: css({ color: theme.colors.text.secondary }),
});
