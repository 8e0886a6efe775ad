export const testIds = {
  appConfig: {
    agentUrl: 'data-testid lifeline-agent-url',
    agentToken: 'data-testid lifeline-agent-token',
    submit: 'data-testid lifeline-agent-submit',
  },
  configEditor: {
    text: 'data-testid lifeline-config-text',
    problems: 'data-testid lifeline-config-problems',
    canonical: 'data-testid lifeline-config-canonical',
  },
};
