/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): the check character and a
 * generator for demo and test organizations. The same check runs on chain in
 * ParticipantRegistry.isValidCreditCode (C34).
 */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** The check character of the first 17 characters of a code. */
export function creditCodeCheck(first17: string): string {
  if (first17.length !== 17) throw new Error(`a credit code body has 17 characters, got ${first17.length}`);
  let sum = 0;
  let weight = 1;
  for (const ch of first17) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`"${ch}" is not a credit code character`);
    sum += v * weight;
    weight = (weight * 3) % 31;
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * True when `code` is a well-formed 18-digit resident ID number (GB 11643-1999): seventeen digits
 * whose 7th to 14th are a real date (1800 to 2199), then the ISO 7064 MOD 11-2 check (digit or X).
 * Personal data: never accepted as a credit code (C34). The same check runs on chain in
 * ParticipantRegistry.isResidentIdNumber.
 */
export function isResidentIdNumber(code: string): boolean {
  if (!/^[0-9]{17}[0-9X]$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(code[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11;
  if (code[17] !== (check === 10 ? "X" : String(check))) return false;
  const year = Number(code.slice(6, 10));
  const month = Number(code.slice(10, 12));
  const day = Number(code.slice(12, 14));
  if (year < 1800 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when `code` has 18 valid characters and the right check character, and is no resident ID number. */
export function isValidCreditCode(code: string): boolean {
  if (code.length !== 18 || isResidentIdNumber(code)) return false;
  try {
    return creditCodeCheck(code.slice(0, 17)) === code[17];
  } catch {
    return false; // a character outside the alphabet: not a code
  }
}

/**
 * A valid code for a government body (category 1) or company (9) in Guangdong (44xxxx), made
 * from a small number so demo data is stable.
 */
export function makeCreditCode(serial: number, category: "1" | "9" = "9"): string {
  const region = "441300"; // 惠州市
  const body = serial.toString(31).toUpperCase().padStart(9, "0").slice(-9);
  const org = Array.from(body, (c) => ALPHABET[parseInt(c, 31) % 31]).join("");
  const first17 = `${category}1${region}${org}`;
  return first17 + creditCodeCheck(first17);
}
