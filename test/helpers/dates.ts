/**
 * An independent TypeScript reading of contracts/common/DateMath.sol, so tests compute the
 * statutory term end ("不超过N年") without the contract: N calendar years later in China
 * Standard Time (UTC+8), keeping the time of day, 29 February landing on 28 February.
 */
const CST = 8 * 3600;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** `timestamp` (seconds) plus `years` calendar years in China time. */
export function addYearsCst(timestamp: number | bigint, years: number): bigint {
  const local = Number(timestamp) + CST;
  const d = new Date(local * 1000);
  const secondsOfDay = local % 86_400;
  const y = d.getUTCFullYear() + years;
  let day = d.getUTCDate();
  if (d.getUTCMonth() === 1 && day === 29 && !isLeap(y)) day = 28;
  return BigInt(Date.UTC(y, d.getUTCMonth(), day) / 1000 + secondsOfDay - CST);
}

/** Seconds since the epoch of a China-time wall-clock moment: cst(2032, 2, 29, 2) is 2032-02-29 02:00 +08:00. */
export function cst(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - CST;
}
