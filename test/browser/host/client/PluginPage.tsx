/**
 * What Grafana's PluginPage gives an app page: its title (pageNav, else the plugin.json
 * include of the current path), subtitle, actions, info and the page body, inside the
 * host's chrome. Grafana core's component is not on npm; this one keeps its props.
 */
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, NavModelItem } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import type { PluginPageProps } from '@grafana/runtime';
import { useLocation } from 'react-router';

interface Include {
  type: string;
  name: string;
  path?: string;
}

let includes: Include[] = [];
let pluginId = '';
export function setPageIncludes(id: string, list: Include[]) {
  pluginId = id;
  includes = list;
}

function titleFor(pathname: string, pageNav?: NavModelItem): string | undefined {
  if (pageNav?.text) {
    return pageNav.text;
  }
  const page = includes
    .filter((i) => i.type === 'page' && i.path)
    .map((i) => ({ ...i, path: i.path!.replace('%PLUGIN_ID%', pluginId) }))
    .filter((i) => pathname === i.path || pathname.startsWith(`${i.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return page?.name;
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2, 3), display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  header: css({ display: 'flex', alignItems: 'flex-start', gap: theme.spacing(2), flexWrap: 'wrap' }),
  titles: css({ flex: 1, minWidth: 0 }),
  title: css({ margin: 0, fontSize: theme.typography.h2.fontSize }),
  subTitle: css({ color: theme.colors.text.secondary, marginTop: theme.spacing(0.5) }),
});

export function HostPluginPage({ children, pageNav, subTitle, actions, info, renderTitle }: PluginPageProps) {
  const styles = useStyles2(getStyles);
  const { pathname } = useLocation();
  const title = titleFor(pathname, pageNav);
  return (
    <div className={styles.page} data-testid="host-plugin-page">
      <div className={styles.header}>
        <div className={styles.titles}>
          {renderTitle ? renderTitle(title ?? '') : <h1 className={styles.title}>{title}</h1>}
          {(subTitle ?? pageNav?.subTitle) && <div className={styles.subTitle}>{subTitle ?? pageNav?.subTitle}</div>}
          {info && (
            <div className={styles.subTitle}>
              {info.map((i) => (
                <span key={i.label}>
                  {i.label}: {i.value}{' '}
                </span>
              ))}
            </div>
          )}
        </div>
        {actions}
      </div>
      {children}
    </div>
  );
}
