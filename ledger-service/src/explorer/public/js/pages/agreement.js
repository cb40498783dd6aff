// One agreement: kind, parties with their signatures, term, filing, status.
import { el, replace } from "../dom.js";
import { get, names } from "../api.js";
import { label, t } from "../i18n.js";
import { chainText, date, hashNode, recordLink, timeNode } from "../format.js";
import { actorNode, badge, evidence, fields, linkList, nameOf, pageHead, section, statementNode, table, timeline } from "../ui.js";

export const strings = {
  zh: {
    "agreement.kind": "协议类型",
    "agreement.authorization": "所属授权",
    "agreement.scenario": "应用场景",
    "agreement.proposer": "提出方",
    "agreement.parties": "签约各方",
    "agreement.term": "协议期限",
    "agreement.effective": "生效日期",
    "agreement.filed": "备案日期",
    "agreement.terminated": "终止日期",
    "agreement.document": "协议文件哈希",
    "agreement.terms": "条款摘要哈希",
    "agreement.signatures": "签署记录",
    "agreement.party": "签约方",
    "agreement.signer": "签署账户",
    "agreement.how": "方式",
    "agreement.offChain": "链下签名，链上提交",
    "agreement.onChain": "链上签署",
    "agreement.at": "时间",
    "agreement.statement": "公开说明",
    "agreement.authNo": "授权 #{id}",
  },
  en: {
    "agreement.kind": "Kind",
    "agreement.authorization": "Authorization",
    "agreement.scenario": "Scenario",
    "agreement.proposer": "Proposed by",
    "agreement.parties": "Parties",
    "agreement.term": "Term",
    "agreement.effective": "Effective on",
    "agreement.filed": "Filed on",
    "agreement.terminated": "Terminated on",
    "agreement.document": "Agreement document hash",
    "agreement.terms": "Terms digest",
    "agreement.signatures": "Signatures",
    "agreement.party": "Party",
    "agreement.signer": "Signer account",
    "agreement.how": "How",
    "agreement.offChain": "signed off chain, submitted on chain",
    "agreement.onChain": "signed on chain",
    "agreement.at": "Time",
    "agreement.statement": "Public statement",
    "agreement.authNo": "Authorization #{id}",
  },
};

export async function render(main, ctx) {
  const id = ctx.params.id;
  const [g, dir] = await Promise.all([get(`/agreements/${encodeURIComponent(id)}`), names()]);
  const name = nameOf(g) || `${t("kind.agreement")} #${g.id}`;
  ctx.setTitle(name);
  replace(main, 
    pageHead(chainText(name), null, el("p", { class: "doc-no" }, nameOf(g) ? `${t("kind.agreement")} #${g.id} ` : null, badge("agreementStatus", g.status))),
    section(
      t("kind.agreement"),
      fields([
        [t("agreement.kind"), label("agreementKind", g.kind)],
        [t("agreement.authorization"), recordLink("authorization", g.authorizationId, g.authorizationName || null)],
        [t("agreement.scenario"), g.scenarioId && g.scenarioId !== "0" ? recordLink("scenario", g.scenarioId, g.scenarioName || null) : null],
        [t("agreement.proposer"), recordLink("participant", g.proposerId, g.proposerName || dir.participant(g.proposerId))],
        [t("agreement.parties"), linkList("participant", (g.partyIds || []).map((p) => ({ id: p, name: dir.participant(p) })))],
        [t("agreement.term"), `${date(g.termStart)} – ${date(g.termEnd)}`],
        [t("agreement.effective"), g.effectiveAt ? date(g.effectiveAt) : null],
        [t("agreement.filed"), g.filedAt ? date(g.filedAt) : null],
        [t("agreement.terminated"), g.terminatedAt ? date(g.terminatedAt) : null],
        [t("agreement.statement"), statementNode(g.statement)],
        [t("agreement.document"), hashNode(g.documentHash)],
        [t("agreement.terms"), hashNode(g.termsDigest)],
      ]),
    ),
    g.signatures && g.signatures.length
      ? section(
          t("agreement.signatures"),
          table(
            [
              { header: t("agreement.party"), cell: (s) => recordLink("participant", s.partyId, s.partyName || dir.participant(s.partyId)) },
              { header: t("agreement.signer"), cell: (s) => actorNode(s.signer, null) },
              { header: t("agreement.how"), cell: (s) => (s.offChain ? t("agreement.offChain") : t("agreement.onChain")) },
              { header: t("agreement.at"), cell: (s) => timeNode(s.at, true) },
            ],
            g.signatures,
            t("agreement.signatures"),
          ),
        )
      : null,
    evidence(g.anchor),
    await timeline("agreement", g.id),
  );
}
