import { resolveConfigPath } from '../config/loadConfig.js';

export interface GlobalOptions {
  configPath: string;
}

export function readGlobals(opts: { config?: string }): GlobalOptions {
  return { configPath: resolveConfigPath(opts.config) };
}
