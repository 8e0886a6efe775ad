/**
 * The modules Grafana shares with plugins (the externals of .config/bundler/externals.ts that
 * this project's node_modules has), one instance each for the host and the plugin, as in
 * Grafana: the plugin's react-router-dom (bundled) and the host's Router must share
 * react-router, the plugin's components and the host's ThemeContext must share @grafana/data.
 * ES module namespaces are marked __esModule so webpack's default-import interop finds `default`.
 */
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import * as i18next from 'i18next';
import * as lodash from 'lodash';
// Grafana still shares moment with plugins (an external), so the host must provide it.
// eslint-disable-next-line no-restricted-imports
import * as moment from 'moment';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as reactRouter from 'react-router';
import * as rxjs from 'rxjs';

const esm = (ns: object) => ({ ...ns, __esModule: true });
// CommonJS packages: webpack's interop treats the exports object itself as the default.
const cjs = (ns: { default?: unknown }) => ns.default ?? ns;

export const externals: Record<string, unknown> = {
  react: cjs(React as never),
  'react-dom': cjs(ReactDOM as never),
  'react/jsx-runtime': cjs(jsxRuntime as never),
  'react/jsx-dev-runtime': cjs(jsxRuntime as never),
  'react-router': esm(reactRouter),
  rxjs: esm(rxjs),
  '@emotion/css': esm(emotionCss),
  '@emotion/react': esm(emotionReact),
  '@grafana/data': esm(grafanaData),
  '@grafana/ui': esm(grafanaUi),
  '@grafana/runtime': esm(grafanaRuntime),
  lodash: cjs(lodash as never),
  moment: cjs(moment as never),
  i18next: esm(i18next),
};
