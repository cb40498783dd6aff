// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantStatus} from "../common/Types.sol";

/**
 * @title IAgreementRegistry
 * @notice Agreements (协议) of authorized operation: their kind, parties, term and terms digest,
 * the parties' signatures (on chain, or EIP-712 typed signatures submitted by anyone, ERC-1271
 * wallets included) and their filing (备案) with the authority (C05, C15, C16).
 *
 * Proposed -> Effective (every party signed) -> Filed (备案 by the authority) ; any -> Terminated
 *
 * The structured terms are a W3C ODRL 2.2 `Agreement` kept off chain; `termsDigest` is the
 * keccak256 of its canonical JSON (scripts/lib/agreements.ts builds, validates and hashes it).
 *
 * Scope and term (C05: the agreement states scope and term). The chain cannot recompute the ODRL
 * JSON's hash, so the agreement also records, in plain values the chain can compare, the term
 * (`termStart`, `termEnd`) and the scope it grants: `scopeDigest = keccak256(abi.encode(uint64[]
 * resourceIds, bytes32[] domains))`, both arrays strictly ascending as the authorization holds them
 * (`scopeDigestOf` computes it for an authorization). An EIP-712 signature names `agreementId`,
 * and an agreement's record never changes after its proposal, so each signature binds that scope
 * and term together with `termsDigest`. `requireCovers` (at activation) refuses an agreement whose
 * `scopeDigest` is not the authorization's own or whose term does not cover the authorization's.
 * Whoever signs checks off chain that the ODRL terms it signs state that same scope and term
 * (scripts/lib/agreements.ts: `odrlResourceIds`, `odrlTerm`, `agreementScopeDigest`).
 */
interface IAgreementRegistry {
    /// @notice The kinds of agreement the regulations name.
    enum AgreementKind {
        None,
        OperationAuthorization, // 授权运营协议: authority (or implementing agency) and operator, tier 1 (000 第十条(6); 002 第十四条)
        DevelopmentService, // 开发利用服务协议: operator, developer, authority, source departments (001 第十九条; 002 第十九条)
        ScenarioProduct, // 场景开发与产品经营协议: the holder and the authority, for one scenario
        DevelopmentAuthorization // 授权开发协议: operator and developer, tier 2 (004 第七条)
    }

    /// @notice Lifecycle of an agreement.
    enum AgreementStatus {
        None,
        Proposed, // awaiting the parties' signatures
        Effective, // every party signed
        Filed, // filed (备案) with the authority (C16)
        Terminated // ended by the authority (terminal)
    }

    /// @notice The role a required party plays, named by AgreementRegistryMissingParty.
    enum PartyRole {
        None,
        Holder, // the holder of the governed authorization
        Operator, // the operator (tier-1 holder, or the parent's holder of a tier-2 authorization)
        Developer, // a developer (运营合作方 / 开发机构)
        AuthorityOrAgency, // the data authority or the implementing agency
        SourceDepartment // the source department of a resource in scope (数源部门)
    }

    /// @notice A proposal: more than four values, so a request struct.
    struct ProposalRequest {
        AgreementKind kind; // the kind of agreement
        uint64 proposerId; // the party on whose behalf the caller proposes (one of `partyIds`)
        uint64 authorizationId; // the authorization the agreement governs
        uint64 scenarioId; // the scenario it serves (0: none; required for ScenarioProduct)
        uint64 termStart; // agreement term start
        uint64 termEnd; // agreement term end (exclusive)
        bytes32 documentHash; // hash of the signed agreement document kept off chain
        bytes32 termsDigest; // keccak256 of the canonical ODRL 2.2 Agreement JSON
        bytes32 scopeDigest; // keccak256(abi.encode(resourceIds, domains)) of the scope it grants
        uint64[] partyIds; // participant ids of every party, strictly ascending
        string publicText; // public title, JSON (C21); required, carried in AgreementProposed only
    }

    /// @notice An agreement.
    struct Agreement {
        AgreementKind kind; // the kind of agreement
        AgreementStatus status; // see AgreementStatus
        uint8 signatureCount; // parties that have signed
        uint64 proposerId; // the proposing party
        uint64 authorizationId; // the governed authorization
        uint64 scenarioId; // the scenario (0: none)
        uint64 termStart; // term start
        uint64 termEnd; // term end (exclusive)
        uint64 proposedAt; // block time of the proposal
        uint64 effectiveAt; // block time of the last signature (0: not yet)
        uint64 filedAt; // block time of the filing (0: not yet)
        bytes32 documentHash; // hash of the agreement document
        bytes32 termsDigest; // keccak256 of the canonical ODRL JSON
        bytes32 scopeDigest; // keccak256(abi.encode(resourceIds, domains)) of the scope it grants
        bytes32 filingHash; // hash of the filing record (备案材料)
        uint64[] partyIds; // every party, strictly ascending
    }

    /// @notice One party's signature, as recorded.
    struct PartySignature {
        address signer; // the signer key that signed (0: not signed)
        uint64 signedAt; // block time the signature was recorded
        bool offChain; // an EIP-712 signature submitted by someone else
    }

    /// @notice An EIP-712 signature of one party, submitted by anyone (a platform node, a party).
    struct SignedApproval {
        uint64 partyId; // the party that signs
        address signer; // its signer key (an EOA, or an ERC-1271 contract wallet)
        uint256 nonce; // an unused nonce of `signer`
        uint64 deadline; // the signature is void after this time
        bytes signature; // the typed signature over AgreementSignature
    }

    /// @notice An agreement was proposed; it carries the whole request, and its public title
    /// again as `publicText` so every record event names its text alike (C21).
    event AgreementProposed(
        uint64 indexed agreementId,
        uint64 indexed authorizationId,
        uint64 indexed proposerId,
        ProposalRequest request,
        string publicText,
        address by
    );
    /// @notice Party `partyId` signed through `signer`; `submittedBy` sent the transaction.
    event AgreementSigned(
        uint64 indexed agreementId,
        uint64 indexed partyId,
        address indexed signer,
        bool offChain,
        uint256 nonce,
        uint8 signatureCount,
        uint8 partyCount,
        address submittedBy
    );
    /// @notice Every party has signed: the agreement took effect.
    event AgreementTookEffect(uint64 indexed agreementId, uint64 indexed authorizationId, uint64 effectiveAt);
    /// @notice The authority filed (备案) the agreement; the event carries every field (C16).
    event AgreementFiled(
        uint64 indexed agreementId,
        uint64 indexed authorizationId,
        AgreementKind kind,
        uint64 scenarioId,
        uint64 termStart,
        uint64 termEnd,
        bytes32 documentHash,
        bytes32 termsDigest,
        bytes32 scopeDigest,
        bytes32 filingHash,
        uint64[] partyIds,
        address by
    );
    /// @notice The authority terminated the agreement; `statement` is the public reason (C21).
    event AgreementTerminated(
        uint64 indexed agreementId,
        uint64 indexed authorizationId,
        AgreementStatus from,
        bytes32 reasonHash,
        string statement,
        address by
    );
    /// @notice `signer` voided one of its nonces before any submission used it.
    event NonceCancelled(address indexed signer, uint256 nonce);

    error AgreementRegistryUnknownAgreement(uint64 agreementId);
    error AgreementRegistryUnknownAuthorization(uint64 authorizationId);
    error AgreementRegistryInvalidKind(AgreementKind kind);
    error AgreementRegistryKindMismatch(AgreementKind kind, uint8 tier);
    /// @notice The profile does not accept this kind to activate a tier-2 authorization;
    /// `acceptedKinds` is IAuthorizationRegistry.Policy.tier2AgreementKinds (bit 1 << kind each).
    /// @dev 001 第十九条, 002 第十九条: 开发利用服务协议 with the authority and source departments;
    /// 004 第八条, 第十一条(四): 授权开发协议 between the operator and the developer (C15).
    error AgreementRegistryKindNotAccepted(uint64 agreementId, AgreementKind kind, uint8 acceptedKinds);
    error AgreementRegistryWrongStatus(uint64 agreementId, AgreementStatus status);
    error AgreementRegistryZeroHash();
    error AgreementRegistryInvalidTerm(uint64 termStart, uint64 termEnd);
    error AgreementRegistryInvalidPartyCount(uint256 count, uint256 max);
    error AgreementRegistryPartiesNotAscending(uint64 previous, uint64 next);
    error AgreementRegistryPartyInactive(uint64 partyId, ParticipantStatus status);
    error AgreementRegistryMissingParty(PartyRole role, uint64 participantId);
    error AgreementRegistryProposerNotParty(uint64 proposerId);
    error AgreementRegistryScenarioRequired(AgreementKind kind);
    /// @notice A ScenarioProduct agreement names a scenario of another authorization (C13).
    error AgreementRegistryScenarioOfOtherAuthorization(uint64 scenarioId, uint64 scenarioAuthorizationId, uint64 authorizationId);
    error AgreementRegistryNotParty(uint64 agreementId, uint64 partyId);
    error AgreementRegistryAlreadySigned(uint64 agreementId, uint64 partyId, address signer);
    error AgreementRegistryNotPartySigner(uint64 partyId, address signer);
    error AgreementRegistrySignatureExpired(uint64 deadline, uint64 now);
    error AgreementRegistryNonceUsed(address signer, uint256 nonce);
    error AgreementRegistryInvalidSignature(uint64 agreementId, uint64 partyId, address signer);
    error AgreementRegistryNoSignatures();
    error AgreementRegistryNotFiled(uint64 agreementId, AgreementStatus status);
    error AgreementRegistryGovernsOther(uint64 agreementId, uint64 governedId, uint64 askedId);
    error AgreementRegistryGovernsLiveAuthorization(uint64 agreementId, uint64 authorizationId);
    error AgreementRegistryNoticeNotOver(uint64 authorizationId, uint64 noticeEnd);
    /// @notice The agreement records scope `scopeDigest`; the authorization it governs has `authScopeDigest`.
    /// @dev 000 第十条(6); 001 第十三条 (the agreement states scope and term).
    error AgreementRegistryScopeMismatch(uint64 agreementId, bytes32 scopeDigest, bytes32 authScopeDigest);
    error AgreementRegistryTermNotCovered(
        uint64 agreementId,
        uint64 termStart,
        uint64 termEnd,
        uint64 authTermStart,
        uint64 authTermEnd
    );

    // ===== PROPOSAL =====

    /// @notice Proposes an agreement. A signer of `request.proposerId`, itself one of the parties.
    /// The governed authorization's public notice must be over (000 第十条(6): 结果公示期满 ...
    /// 组织签订协议), so no party signs before it.
    /// The parties the kind requires are checked now: OperationAuthorization (tier 1) the holder
    /// and the authority or implementing agency; DevelopmentAuthorization (tier 2) the holder and
    /// the parent's operator; DevelopmentService the operator, a developer, the authority or
    /// implementing agency and the source department of every resource in scope; ScenarioProduct
    /// the holder and the authority or implementing agency. `request.scopeDigest` states the scope
    /// the agreement grants and `request.termStart`/`termEnd` its term (see the contract notice):
    /// the ODRL terms behind `request.termsDigest` must state the same.
    /// @dev 000 第十条(6); 001 第十三条 (content and term); 001 第十九条, 002 第十九条 (C15:
    /// 开发利用服务协议 signed jointly with the authority and the source departments);
    /// 002 第十四条 (the implementing agency signs with the operator). C21: `request.publicText`
    /// (required) is the agreement's public title.
    function propose(ProposalRequest calldata request) external returns (uint64 agreementId);

    // ===== SIGNATURES =====

    /// @notice Signs for party `partyId` with the caller's key (a signer key of that party).
    /// @dev C05, C15: an agreement is effective once every party signed.
    function sign(uint64 agreementId, uint64 partyId) external;

    /// @notice Records EIP-712 signatures made off line, submitted by any account. Each is an
    /// `AgreementSignature(uint64 agreementId,bytes32 documentHash,bytes32 termsDigest,uint64 partyId,uint256 nonce,uint64 deadline)`
    /// by an active signer key of the party (ERC-1271 wallets accepted), before its deadline,
    /// with an unused nonce of that key; one signature per party.
    /// @dev The domain binds the chain id and this contract's address (replay safety).
    function submitSignatures(uint64 agreementId, SignedApproval[] calldata approvals) external;

    /// @notice Voids a nonce of the caller so an outstanding off-line signature can never be used.
    function cancelNonce(uint256 nonce) external;

    // ===== FILING (C16) =====

    /// @notice Files (备案) an effective agreement. DATA_AUTHORITY only.
    /// @dev 000 第十七条; 002 第十四条: agreements are filed with the data authority.
    function file(uint64 agreementId, bytes32 filingHash) external;

    /// @notice Terminates an agreement that is not yet terminated. DATA_AUTHORITY only. The
    /// agreement that made an authorization active cannot end while that authorization is active
    /// or suspended within its term: revoke or terminate the authorization first.
    /// `statement` is the public reason (required).
    /// @dev 001 第十三条 (终止和撤销机制); 001 第十四条: access closes when the agreement ends; C21.
    function terminate(uint64 agreementId, bytes32 reasonHash, string calldata statement) external;

    // ===== GETTERS =====

    /// @notice Reverts unless agreement `agreementId` is effective (signed by every party),
    /// filed (备案) with the authority, and governs authorization `authorizationId`: a kind fit
    /// for its tier (tier 1 OperationAuthorization; tier 2 a kind the policy profile accepts,
    /// IAuthorizationRegistry.Policy.tier2AgreementKinds: Guangming and Zhaoqing the four-party
    /// DevelopmentService, Yangzhou the DevelopmentAuthorization, Huizhou and the national
    /// baseline either), its holder a party, the authorization's own scope (`scopeDigest` equals
    /// `scopeDigestOf(authorizationId)`) and a term that covers the authorization's term.
    /// The parties each kind needs were checked at `propose`.
    /// @dev 000 第十条(6); 001 第十三条; C15: 001 第十九条, 002 第十九条 vs 004 第八条.
    function requireCovers(uint64 agreementId, uint64 authorizationId) external view;

    /// @notice One agreement; reverts if unknown.
    function agreement(uint64 agreementId) external view returns (Agreement memory);

    /// @notice The signature recorded for `partyId` (signer 0: none yet).
    function signatureOf(uint64 agreementId, uint64 partyId) external view returns (PartySignature memory);

    /// @notice True when `partyId` is a party of `agreementId`.
    function isParty(uint64 agreementId, uint64 partyId) external view returns (bool);

    /// @notice True when `signer` has used or cancelled `nonce`.
    function nonceUsed(address signer, uint256 nonce) external view returns (bool);

    /// @notice The EIP-712 digest a signer signs (to cross-check off-chain tools).
    function signatureDigest(
        uint64 agreementId,
        bytes32 documentHash,
        bytes32 termsDigest,
        uint64 partyId,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32);

    /// @notice The scope digest an agreement governing `authorizationId` must record:
    /// keccak256(abi.encode(resourceIds, domains)) of the authorization's scope.
    /// @dev 001 第十三条.
    function scopeDigestOf(uint64 authorizationId) external view returns (bytes32);

    /// @notice Number of agreements (ids run from 1 to this).
    function agreementCount() external view returns (uint64);
}
