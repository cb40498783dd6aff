/**
 * Labels of the codes the API and the CLI emit (statuses, kinds, modes, event names, alert kinds,
 * deadline states…), Chinese first, English on request (issue 12, C21). One source file,
 * labels.json: `{ group: { code: { zh, en } } }`, group = the API field it labels, prefixed by
 * the record kind where ambiguous (`authorizationStatus`, `productStatus`). The explorer serves
 * the same file at /i18n/labels.json. Chinese terms follow the regulations (shared/regulations,
 * docs/CLAUSES.md): 授权运营, 公示, 暂停, 终止, 撤销, 有条件共享, 不予开放…
 */
import labels from "./labels.json";

export type Lang = "zh" | "en";
export const LANGS: readonly Lang[] = ["zh", "en"];

type LabelTable = Record<string, Record<string, Record<Lang, string>>>;
const TABLE: LabelTable = labels;

/** The label groups, as named in labels.json. */
export const LABEL_GROUPS: readonly string[] = Object.keys(TABLE);

/** The record kinds whose `status` field each label group names. */
export const STATUS_GROUP: Readonly<Record<string, string>> = {
  participant: "participantStatus",
  resource: "resourceStatus",
  authorization: "authorizationStatus",
  agreement: "agreementStatus",
  scenario: "scenarioStatus",
  product: "productStatus",
  share: "shareStatus",
};

export const isLang = (v: unknown): v is Lang => v === "zh" || v === "en";

/** The whole table (the explorer serves it as it is). */
export function labelTable(): LabelTable {
  return TABLE;
}

/** The label of `code` in `group`, or the code itself when the table has none. */
export function label(group: string, code: string | number | null | undefined, lang: Lang): string {
  if (code === null || code === undefined) return "";
  const key = String(code);
  const entry = Object.prototype.hasOwnProperty.call(TABLE, group) ? TABLE[group][key] : undefined;
  return entry && Object.prototype.hasOwnProperty.call(TABLE[group], key) ? entry[lang] : key;
}

/** Whether `group` labels `code` in both languages. */
export function hasLabel(group: string, code: string): boolean {
  const g = Object.prototype.hasOwnProperty.call(TABLE, group) ? TABLE[group] : undefined;
  const e = g && Object.prototype.hasOwnProperty.call(g, code) ? g[code] : undefined;
  return !!e && typeof e.zh === "string" && e.zh.length > 0 && typeof e.en === "string" && e.en.length > 0;
}

/**
 * A deadline's name as the deadlines view writes it (`notice`, `disclosure-2026`,
 * `QuarterlyOperation-20261`, `grant-000…7-evaluate`, `change-0002-approval`): the label of its
 * base name with the period, resource or sequence after it.
 */
export function deadlineLabel(name: string, lang: Lang): string {
  if (hasLabel("deadlineName", name)) return label("deadlineName", name, lang);
  const change = /^change-0*(\d+)-approval$/.exec(name);
  if (change) return `${label("deadlineName", "change-approval", lang)} ${lang === "zh" ? `第${change[1]}次` : `#${change[1]}`}`;
  const grant = /^grant-0*(\d+)-(\w+)$/.exec(name);
  if (grant) {
    const res = lang === "zh" ? `资源 ${grant[1]}` : `resource ${grant[1]}`;
    return `${label("deadlineName", "grant", lang)} (${res}: ${label("grantStep", grant[2], lang)})`;
  }
  const dash = name.lastIndexOf("-");
  if (dash > 0 && hasLabel("deadlineName", name.slice(0, dash))) return `${label("deadlineName", name.slice(0, dash), lang)} ${name.slice(dash + 1)}`;
  return name;
}

/**
 * The language when none is asked for: PROVENANT_LANG (zh|en), then LC_ALL / LANG starting
 * with "zh" → zh, else en.
 */
export function defaultLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const own = env.PROVENANT_LANG?.trim().toLowerCase();
  if (own && isLang(own)) return own;
  for (const v of [env.LC_ALL, env.LANG]) {
    if (v && v.trim() !== "") return v.toLowerCase().startsWith("zh") ? "zh" : "en";
  }
  return "en";
}
