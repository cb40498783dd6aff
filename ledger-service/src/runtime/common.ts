/**
 * The `common` object: the services every module may use, passed explicitly (no singletons).
 */
import pino, { type Logger } from "pino";
import type { Config } from "./config";

export interface Common {
  config: Config;
  logger: Logger;
}

export function createCommon(config: Config, opts: { logger?: Logger } = {}): Common {
  const logger = opts.logger ?? pino({ level: config.LOG_LEVEL, base: { service: "provenant-ledger" } });
  return { config, logger };
}
