/** Plugin settings kept in Grafana (jsonData); the agent token lives in secureJsonData. */
export interface AppSettings {
  /** Base URL of any Lifeline agent's API, e.g. http://10.0.0.1:29010 (any agent answers for the cluster). */
  agentUrl?: string;
}
