/** A problem with the configuration or what it refers to (secrets, files): exit code 1, not "unavailable". */
export class ConfigError extends Error {}
