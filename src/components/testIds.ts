/**
 * data-testid values of the key elements: the jest tests and the Chromium tests
 * (test/browser/, harness helper) find them here, so keep them stable.
 */
const id = (name: string) => `data-testid lifeline-${name}`;

export const testIds = {
  appConfig: {
    agentUrl: (i: number) => id(`agent-url-${i}`),
    addAgent: id('agent-add'),
    removeAgent: (i: number) => id(`agent-remove-${i}`),
    moveUp: (i: number) => id(`agent-up-${i}`),
    testConnection: (i: number) => id(`agent-test-${i}`),
    testResult: (i: number) => id(`agent-test-result-${i}`),
    viewerToken: id('token-viewer'),
    operatorToken: id('token-operator'),
    adminToken: id('token-admin'),
    submit: id('agent-submit'),
  },
  configEditor: {
    page: id('config-editor'),
    text: id('config-text'),
    problems: id('config-problems'),
    canonical: id('config-canonical'),
    load: id('config-load'),
    apply: id('config-apply'),
    applyResult: id('config-apply-result'),
    /** A form field bound to a configuration path (`['monitors', 1, 'keyword']`). */
    field: (path: ReadonlyArray<string | number>) => id(`field-${path.join('.')}`),
    up: (path: ReadonlyArray<string | number>, i: number) => id(`up-${path.join('.')}-${i}`),
    down: (path: ReadonlyArray<string | number>, i: number) => id(`down-${path.join('.')}-${i}`),
    remove: (path: ReadonlyArray<string | number>, i: number) => id(`remove-${path.join('.')}-${i}`),
    add: (path: ReadonlyArray<string | number>) => id(`add-${path.join('.')}`),
    tab: (name: string) => id(`config-tab-${name}`),
    tabProblems: id('config-tab-problems'),
    yamlProblem: (i: number) => id(`yaml-problem-${i}`),
    select: (what: string, name: string) => id(`config-select-${what}-${name}`),
    effectiveEndpoint: (server: string) => id(`trap-endpoint-${server}`),
    diff: id('config-diff'),
    status: id('config-status'),
    conflict: id('config-conflict'),
    rebase: id('config-rebase'),
    rebaseNotice: id('config-rebase-notice'),
    agentReport: (server: string) => id(`agent-report-${server}`),
    history: id('config-history'),
    historyRow: (rev: number) => id(`history-row-${rev}`),
    historyDiff: id('config-history-diff'),
    rollback: (rev: number) => id(`rollback-${rev}`),
  },
  nav: {
    tab: (route: string) => id(`tab-${route}`),
  },
  /** The freshness bar on every page. */
  freshness: {
    seenFrom: id('seen-from'),
    stale: id('stale'),
    agentInUse: id('agent-in-use'),
    live: id('live-mode'),
  },
  states: {
    loading: id('loading'),
    error: id('error'),
    empty: id('empty'),
  },
  overview: {
    page: id('overview'),
    cluster: id('cluster-name'),
    revision: id('config-revision'),
    conflicts: id('config-conflicts'),
    serversTable: id('servers-table'),
    serverRow: (name: string) => id(`server-row-${name}`),
    serverState: (name: string) => id(`server-state-${name}`),
    pathCell: (server: string, interconnect: number) => id(`path-${server}-${interconnect}`),
    bmcCell: (server: string) => id(`bmc-${server}`),
    groupsTable: id('groups-table'),
    monitorsSummary: id('monitors-summary'),
    dashboards: id('dashboard-links'),
  },
  /** Group rows: the same ids on the Overview and the Groups page. */
  group: {
    row: (name: string) => id(`group-row-${name}`),
    state: (name: string) => id(`group-state-${name}`),
    server: (name: string) => id(`group-server-${name}`),
    operation: (name: string) => id(`group-operation-${name}`),
    start: (name: string) => id(`group-start-${name}`),
    stop: (name: string) => id(`group-stop-${name}`),
    move: (name: string) => id(`group-move-${name}`),
    moveTarget: id('group-move-target'),
    detail: (name: string) => id(`group-detail-${name}`),
    outcome: id('group-outcome'),
  },
  groups: {
    page: id('groups'),
  },
  servers: {
    page: id('servers'),
  },
  server: {
    page: id('server'),
    paths: id('server-paths'),
    confirmDown: id('server-confirm-down'),
    confirmDownOutcome: id('server-confirm-down-outcome'),
    groups: id('server-groups'),
  },
  monitors: {
    page: id('monitors'),
    matrix: id('monitor-matrix'),
    row: (name: string) => id(`monitor-row-${name}`),
    cell: (monitor: string, server: string) => id(`monitor-cell-${monitor}-${server}`),
    clear: (name: string) => id(`monitor-clear-${name}`),
    suspend: (name: string) => id(`monitor-suspend-${name}`),
    resume: (name: string) => id(`monitor-resume-${name}`),
    onlyProblems: id('monitor-only-problems'),
    outcome: id('monitor-outcome'),
  },
  events: {
    page: id('events'),
    table: id('events-table'),
    row: (origin: string, eventId: number) => id(`event-${origin}-${eventId}`),
    filterServer: id('events-filter-server'),
    filterType: id('events-filter-type'),
    filterClass: id('events-filter-class'),
    older: id('events-older'),
    newest: id('events-newest'),
    liveTail: id('events-live-tail'),
  },
  timeline: {
    page: id('failovers'),
    failover: (i: number) => id(`failover-${i}`),
    step: (i: number, j: number) => id(`failover-${i}-step-${j}`),
  },
  /** Operator confirmation modals (ConfirmModal). */
  confirm: {
    modal: id('confirm'),
    impact: id('confirm-impact'),
    /** Grafana's own (ConfirmModal, @grafana/e2e-selectors). */
    button: 'data-testid Confirm Modal Danger Button',
  },
};
