/**
 * Public texts for contract tests (C21): small defaults so call sites stay readable. The demo's
 * realistic texts live in scripts/lib/demo.ts; the builders in scripts/lib/public-text.ts.
 */
import { publicText, registrationCode, statement } from "../../scripts/lib/public-text";

/** A decision's public statement. */
export const STATEMENT = statement("测试");
/** A resource's public text. */
export const RESOURCE_TEXT = publicText({ name: "测试资源", nameEn: "Test resource" });
/** A scenario's public text. */
export const SCENARIO_TEXT = publicText({ name: "测试场景", purpose: "测试用途" });
/** A product's public text. */
export const PRODUCT_TEXT = publicText({ name: "测试产品", serviceMode: "接口调用", price: "免费试用" });
/** A call's or an agreement's public text. */
export const TITLE_TEXT = publicText({ title: "测试公告" });
/** A participant's public profile. */
export const PROFILE_TEXT = publicText({ contact: "测试办事窗口，电话 000-0000-0000（演示）" });

let codeSerial = 0;

/** A fresh registration code in the registry's format (`T-1`, `T-2`, …) as bytes32. */
export function nextCode(prefix = "T"): string {
  return registrationCode(`${prefix}-${++codeSerial}`);
}

export { publicText, registrationCode, statement };
