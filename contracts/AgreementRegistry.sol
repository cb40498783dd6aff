// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IAgreementRegistry} from "./interfaces/IAgreementRegistry.sol";
import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IResourceCatalog} from "./interfaces/IResourceCatalog.sol";
import {IScenarioRegistry} from "./interfaces/IScenarioRegistry.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PublicText} from "./common/PublicText.sol";
import {
    DATA_AUTHORITY,
    PARTICIPANT_REGISTRY,
    RESOURCE_CATALOG,
    AUTHORIZATION_REGISTRY,
    SCENARIO_REGISTRY,
    NO_ID,
    ParticipantKind,
    ParticipantStatus
} from "./common/Types.sol";

/**
 * @title AgreementRegistry
 * @notice 协议: agreements of authorized operation, their parties' signatures and their filing
 * (备案). An authorization becomes active only under a signed, filed agreement that covers it.
 * @dev C05 (000 第十条(6); 001 第十三条), C15 (001 第十九条; 002 第十九条), C16 (000 第十七条;
 * 002 第十四条). Signatures are EIP-712 typed data; the domain binds chain id and address.
 */
contract AgreementRegistry is HubConsumer, EIP712, IAgreementRegistry {
    /// @notice The EIP-712 type every off-line signature is made over.
    bytes32 public constant AGREEMENT_SIGNATURE_TYPEHASH =
        keccak256(
            "AgreementSignature(uint64 agreementId,bytes32 documentHash,bytes32 termsDigest,uint64 partyId,uint256 nonce,uint64 deadline)"
        );
    /// @notice Upper bound on the parties of one agreement.
    uint256 public constant MAX_PARTIES = 32;

    uint64 private _count;
    mapping(uint64 agreementId => Agreement) private _agreements;
    mapping(uint64 agreementId => mapping(uint64 partyId => bool)) private _isParty;
    mapping(uint64 agreementId => mapping(uint64 partyId => PartySignature)) private _signatures;
    mapping(address signer => mapping(uint256 nonce => bool)) private _nonceUsed;

    constructor(IProvenantHub hub_) HubConsumer(hub_) EIP712("Provenant AgreementRegistry", "1") {}

    // ===== PROPOSAL =====

    /// @inheritdoc IAgreementRegistry
    function propose(ProposalRequest calldata req) external returns (uint64 agreementId) {
        IParticipantRegistry participants = _participants();
        participants.requireActiveSigner(req.proposerId, ParticipantKind.None, msg.sender);
        if (req.kind == AgreementKind.None) revert AgreementRegistryInvalidKind(req.kind);
        if (req.documentHash == bytes32(0) || req.termsDigest == bytes32(0) || req.scopeDigest == bytes32(0)) {
            revert AgreementRegistryZeroHash();
        }
        if (req.termStart >= req.termEnd) revert AgreementRegistryInvalidTerm(req.termStart, req.termEnd);
        PublicText.checkRecord(req.publicText);
        IAuthorizationRegistry.Authorization memory auth = _authorization(req.authorizationId);
        // Ensure that the decision was publicly noticed to the end before anyone signs (C04).
        if (auth.noticeEnd == 0 || _now() < auth.noticeEnd) {
            revert AgreementRegistryNoticeNotOver(req.authorizationId, auth.noticeEnd);
        }

        ParticipantKind[] memory kinds = _checkParties(participants, req.partyIds);
        if (!_contains(req.partyIds, req.proposerId)) revert AgreementRegistryProposerNotParty(req.proposerId);
        _checkRequiredParties(req, auth, kinds);

        agreementId = ++_count;
        Agreement storage a = _agreements[agreementId];
        a.kind = req.kind;
        a.status = AgreementStatus.Proposed;
        a.proposerId = req.proposerId;
        a.authorizationId = req.authorizationId;
        a.scenarioId = req.scenarioId;
        a.termStart = req.termStart;
        a.termEnd = req.termEnd;
        a.proposedAt = _now();
        a.documentHash = req.documentHash;
        a.termsDigest = req.termsDigest;
        a.scopeDigest = req.scopeDigest;
        a.partyIds = req.partyIds;
        for (uint256 i = 0; i < req.partyIds.length; ++i) {
            _isParty[agreementId][req.partyIds[i]] = true;
        }
        emit AgreementProposed(agreementId, req.authorizationId, req.proposerId, req, req.publicText, msg.sender);
    }

    // ===== SIGNATURES =====

    /// @inheritdoc IAgreementRegistry
    function sign(uint64 agreementId, uint64 partyId) external {
        _checkSignable(agreementId, partyId);
        if (!_participants().isActiveSigner(partyId, msg.sender)) {
            revert AgreementRegistryNotPartySigner(partyId, msg.sender);
        }
        _recordSignature(agreementId, partyId, msg.sender, false, 0);
    }

    /// @inheritdoc IAgreementRegistry
    function submitSignatures(uint64 agreementId, SignedApproval[] calldata approvals) external {
        if (approvals.length == 0) revert AgreementRegistryNoSignatures();
        IParticipantRegistry participants = _participants();
        uint256 recorded = 0;
        for (uint256 i = 0; i < approvals.length; ++i) {
            SignedApproval calldata s = approvals[i];
            // Skip an approval already recorded (its signer signed for the party and its nonce is
            // spent): anyone may submit approvals, so one copied out of this batch and sent first
            // must not make the rest of the batch revert.
            if (_signatures[agreementId][s.partyId].signer == s.signer && _nonceUsed[s.signer][s.nonce]) continue;
            Agreement storage a = _checkSignable(agreementId, s.partyId);
            // Ensure that the signature is fresh, unused, by a key of the party, and genuine.
            if (s.deadline < _now()) revert AgreementRegistrySignatureExpired(s.deadline, _now());
            if (_nonceUsed[s.signer][s.nonce]) revert AgreementRegistryNonceUsed(s.signer, s.nonce);
            if (!participants.isActiveSigner(s.partyId, s.signer)) {
                revert AgreementRegistryNotPartySigner(s.partyId, s.signer);
            }
            bytes32 digest = _digest(agreementId, a.documentHash, a.termsDigest, s.partyId, s.nonce, s.deadline);
            if (!SignatureChecker.isValidSignatureNow(s.signer, digest, s.signature)) {
                revert AgreementRegistryInvalidSignature(agreementId, s.partyId, s.signer);
            }
            _nonceUsed[s.signer][s.nonce] = true;
            _recordSignature(agreementId, s.partyId, s.signer, true, s.nonce);
            ++recorded;
        }
        // A batch of nothing but recorded approvals is a replay: say so.
        if (recorded == 0) {
            SignedApproval calldata first = approvals[0];
            revert AgreementRegistryAlreadySigned(agreementId, first.partyId, first.signer);
        }
    }

    /// @inheritdoc IAgreementRegistry
    function cancelNonce(uint256 nonce) external {
        if (_nonceUsed[msg.sender][nonce]) revert AgreementRegistryNonceUsed(msg.sender, nonce);
        _nonceUsed[msg.sender][nonce] = true;
        emit NonceCancelled(msg.sender, nonce);
    }

    // ===== FILING (C16) =====

    /// @inheritdoc IAgreementRegistry
    function file(uint64 agreementId, bytes32 filingHash) external onlyRole(DATA_AUTHORITY) {
        Agreement storage a = _get(agreementId);
        if (a.status != AgreementStatus.Effective) revert AgreementRegistryWrongStatus(agreementId, a.status);
        if (filingHash == bytes32(0)) revert AgreementRegistryZeroHash();
        a.status = AgreementStatus.Filed;
        a.filedAt = _now();
        a.filingHash = filingHash;
        emit AgreementFiled(
            agreementId,
            a.authorizationId,
            a.kind,
            a.scenarioId,
            a.termStart,
            a.termEnd,
            a.documentHash,
            a.termsDigest,
            a.scopeDigest,
            filingHash,
            a.partyIds,
            msg.sender
        );
    }

    /// @inheritdoc IAgreementRegistry
    function terminate(
        uint64 agreementId,
        bytes32 reasonHash,
        string calldata statement
    ) external onlyRole(DATA_AUTHORITY) {
        Agreement storage a = _get(agreementId);
        AgreementStatus from = a.status;
        if (from == AgreementStatus.Terminated) revert AgreementRegistryWrongStatus(agreementId, from);
        if (reasonHash == bytes32(0)) revert AgreementRegistryZeroHash();
        // Ensure that a termination says why, in public (C21).
        PublicText.checkStatement(statement, true);
        // Ensure that no authorization stays active without its agreement (001 第十四条): the
        // authorization this agreement made active is revoked or terminated first.
        IAuthorizationRegistry.Authorization memory auth = _authorization(a.authorizationId);
        if (
            auth.agreementId == agreementId &&
            (auth.status == IAuthorizationRegistry.AuthorizationStatus.Active ||
                auth.status == IAuthorizationRegistry.AuthorizationStatus.Suspended) &&
            _now() < auth.termEnd
        ) revert AgreementRegistryGovernsLiveAuthorization(agreementId, a.authorizationId);
        a.status = AgreementStatus.Terminated;
        emit AgreementTerminated(agreementId, a.authorizationId, from, reasonHash, statement, msg.sender);
    }

    // ===== GETTERS =====

    /// @inheritdoc IAgreementRegistry
    function requireCovers(uint64 agreementId, uint64 authorizationId) external view {
        Agreement storage a = _get(agreementId);
        // Ensure that the agreement is signed by every party and filed (C05, C16).
        if (a.status != AgreementStatus.Filed) revert AgreementRegistryNotFiled(agreementId, a.status);
        if (a.authorizationId != authorizationId) {
            revert AgreementRegistryGovernsOther(agreementId, a.authorizationId, authorizationId);
        }
        IAuthorizationRegistry.Authorization memory auth = _authorization(authorizationId);
        // Ensure that the kind fits the tier: the operation agreement for an operator, a
        // development agreement the policy profile accepts for a developer (C15).
        if (auth.tier == 1) {
            if (a.kind != AgreementKind.OperationAuthorization) revert AgreementRegistryKindMismatch(a.kind, auth.tier);
        } else {
            uint8 accepted = _authorizations().policy().tier2AgreementKinds;
            if ((accepted & (uint8(1) << uint8(a.kind))) == 0) {
                revert AgreementRegistryKindNotAccepted(agreementId, a.kind, accepted);
            }
        }
        if (!_isParty[agreementId][auth.holderId]) revert AgreementRegistryMissingParty(PartyRole.Holder, auth.holderId);
        // Ensure that the scope the parties signed is the authorization's scope (C05; 001 第十三条):
        // the signatures bind `agreementId`, whose record carries `scopeDigest` and the term.
        bytes32 authScope = _scopeDigest(auth.resourceIds, auth.domains);
        if (a.scopeDigest != authScope) revert AgreementRegistryScopeMismatch(agreementId, a.scopeDigest, authScope);
        // Ensure that the agreement's term covers the authorization's (001 第十三条).
        if (a.termStart > auth.termStart || a.termEnd < auth.termEnd) {
            revert AgreementRegistryTermNotCovered(agreementId, a.termStart, a.termEnd, auth.termStart, auth.termEnd);
        }
    }

    /// @inheritdoc IAgreementRegistry
    function agreement(uint64 agreementId) external view returns (Agreement memory) {
        return _get(agreementId);
    }

    /// @inheritdoc IAgreementRegistry
    function signatureOf(uint64 agreementId, uint64 partyId) external view returns (PartySignature memory) {
        _get(agreementId);
        return _signatures[agreementId][partyId];
    }

    /// @inheritdoc IAgreementRegistry
    function isParty(uint64 agreementId, uint64 partyId) external view returns (bool) {
        return _isParty[agreementId][partyId];
    }

    /// @inheritdoc IAgreementRegistry
    function nonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return _nonceUsed[signer][nonce];
    }

    /// @inheritdoc IAgreementRegistry
    function signatureDigest(
        uint64 agreementId,
        bytes32 documentHash,
        bytes32 termsDigest,
        uint64 partyId,
        uint256 nonce,
        uint64 deadline
    ) external view returns (bytes32) {
        return _digest(agreementId, documentHash, termsDigest, partyId, nonce, deadline);
    }

    /// @inheritdoc IAgreementRegistry
    function scopeDigestOf(uint64 authorizationId) external view returns (bytes32) {
        IAuthorizationRegistry.Authorization memory auth = _authorization(authorizationId);
        return _scopeDigest(auth.resourceIds, auth.domains);
    }

    /// @inheritdoc IAgreementRegistry
    function agreementCount() external view returns (uint64) {
        return _count;
    }

    // ===== HELPERS =====

    /// @dev Validates the party list: bounded, strictly ascending, every party active. Returns
    /// the kind of each party, aligned with `partyIds`.
    function _checkParties(
        IParticipantRegistry participants,
        uint64[] calldata partyIds
    ) private view returns (ParticipantKind[] memory kinds) {
        uint256 n = partyIds.length;
        if (n < 2 || n > MAX_PARTIES) revert AgreementRegistryInvalidPartyCount(n, MAX_PARTIES);
        kinds = new ParticipantKind[](n);
        for (uint256 i = 0; i < n; ++i) {
            if (i > 0 && partyIds[i] <= partyIds[i - 1]) {
                revert AgreementRegistryPartiesNotAscending(partyIds[i - 1], partyIds[i]);
            }
            ParticipantStatus status = participants.statusOf(partyIds[i]);
            if (status == ParticipantStatus.None) revert IParticipantRegistry.ParticipantRegistryUnknownParticipant(partyIds[i]);
            if (status != ParticipantStatus.Active) revert AgreementRegistryPartyInactive(partyIds[i], status);
            kinds[i] = participants.kindOf(partyIds[i]);
        }
    }

    /// @dev The parties each kind requires (C05, C15). Reverts naming the first missing one.
    function _checkRequiredParties(
        ProposalRequest calldata req,
        IAuthorizationRegistry.Authorization memory auth,
        ParticipantKind[] memory kinds
    ) private view {
        AgreementKind kind = req.kind;
        uint64[] calldata parties = req.partyIds;
        if (kind == AgreementKind.OperationAuthorization) {
            // 000 第十条(6); 002 第十四条: the authority (or implementing agency) and the operator.
            if (auth.tier != 1) revert AgreementRegistryKindMismatch(kind, auth.tier);
            _requireParty(parties, auth.holderId, PartyRole.Holder);
            _requireAuthorityParty(kinds);
        } else if (kind == AgreementKind.DevelopmentAuthorization) {
            // 004 第七条: the operator authorizes its developer.
            if (auth.tier != 2) revert AgreementRegistryKindMismatch(kind, auth.tier);
            _requireParty(parties, auth.holderId, PartyRole.Holder);
            _requireParty(parties, _authorization(auth.parentId).holderId, PartyRole.Operator);
        } else if (kind == AgreementKind.DevelopmentService) {
            // 001 第十九条; 002 第十九条 (C15): operator, developer, authority, source departments.
            if (auth.tier == 1) {
                _requireParty(parties, auth.holderId, PartyRole.Operator);
                _requireKind(kinds, ParticipantKind.Developer, ParticipantKind.Developer, PartyRole.Developer);
            } else {
                _requireParty(parties, _authorization(auth.parentId).holderId, PartyRole.Operator);
                _requireParty(parties, auth.holderId, PartyRole.Developer);
            }
            _requireAuthorityParty(kinds);
            _requireSourceDepartments(parties, auth.resourceIds);
        } else {
            // ScenarioProduct: the holder and the authority, for one scenario of this authorization
            // (002 第二十三条: one scenario, one authorization). scenario() reverts for an unknown id.
            if (req.scenarioId == NO_ID) revert AgreementRegistryScenarioRequired(kind);
            uint64 scenarioAuth = IScenarioRegistry(_contract(SCENARIO_REGISTRY)).scenario(req.scenarioId).authorizationId;
            if (scenarioAuth != req.authorizationId) {
                revert AgreementRegistryScenarioOfOtherAuthorization(req.scenarioId, scenarioAuth, req.authorizationId);
            }
            _requireParty(parties, auth.holderId, PartyRole.Holder);
            _requireAuthorityParty(kinds);
        }
    }

    function _requireSourceDepartments(uint64[] calldata parties, uint64[] memory resourceIds) private view {
        IResourceCatalog catalog = IResourceCatalog(_contract(RESOURCE_CATALOG));
        for (uint256 i = 0; i < resourceIds.length; ++i) {
            _requireParty(parties, catalog.resource(resourceIds[i]).sourceDeptId, PartyRole.SourceDepartment);
        }
    }

    function _requireAuthorityParty(ParticipantKind[] memory kinds) private pure {
        _requireKind(kinds, ParticipantKind.DataAuthority, ParticipantKind.ImplementingAgency, PartyRole.AuthorityOrAgency);
    }

    function _requireKind(
        ParticipantKind[] memory kinds,
        ParticipantKind kind,
        ParticipantKind otherKind,
        PartyRole role
    ) private pure {
        for (uint256 i = 0; i < kinds.length; ++i) {
            if (kinds[i] == kind || kinds[i] == otherKind) return;
        }
        revert AgreementRegistryMissingParty(role, NO_ID);
    }

    function _requireParty(uint64[] calldata parties, uint64 participantId, PartyRole role) private pure {
        if (!_contains(parties, participantId)) revert AgreementRegistryMissingParty(role, participantId);
    }

    function _contains(uint64[] calldata ids, uint64 id) private pure returns (bool) {
        for (uint256 i = 0; i < ids.length; ++i) {
            if (ids[i] == id) return true;
        }
        return false;
    }

    /// @dev A signature may be recorded: the agreement awaits signatures, `partyId` is a party
    /// that has not signed yet.
    function _checkSignable(uint64 agreementId, uint64 partyId) private view returns (Agreement storage a) {
        a = _get(agreementId);
        if (a.status != AgreementStatus.Proposed) revert AgreementRegistryWrongStatus(agreementId, a.status);
        if (!_isParty[agreementId][partyId]) revert AgreementRegistryNotParty(agreementId, partyId);
        address previous = _signatures[agreementId][partyId].signer;
        if (previous != address(0)) revert AgreementRegistryAlreadySigned(agreementId, partyId, previous);
    }

    /// @dev Records one party's signature; the last one makes the agreement effective.
    function _recordSignature(uint64 agreementId, uint64 partyId, address signer, bool offChain, uint256 nonce) private {
        Agreement storage a = _agreements[agreementId];
        _signatures[agreementId][partyId] = PartySignature({signer: signer, signedAt: _now(), offChain: offChain});
        uint8 count = ++a.signatureCount;
        uint8 partyCount = uint8(a.partyIds.length);
        emit AgreementSigned(agreementId, partyId, signer, offChain, nonce, count, partyCount, msg.sender);
        if (count == partyCount) {
            a.status = AgreementStatus.Effective;
            a.effectiveAt = _now();
            emit AgreementTookEffect(agreementId, a.authorizationId, _now());
        }
    }

    function _digest(
        uint64 agreementId,
        bytes32 documentHash,
        bytes32 termsDigest,
        uint64 partyId,
        uint256 nonce,
        uint64 deadline
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        AGREEMENT_SIGNATURE_TYPEHASH,
                        agreementId,
                        documentHash,
                        termsDigest,
                        partyId,
                        nonce,
                        deadline
                    )
                )
            );
    }

    /// @dev The scope digest of IAgreementRegistry: keccak256(abi.encode(resourceIds, domains)).
    function _scopeDigest(uint64[] memory resourceIds, bytes32[] memory domains) private pure returns (bytes32) {
        return keccak256(abi.encode(resourceIds, domains));
    }

    function _get(uint64 agreementId) private view returns (Agreement storage a) {
        a = _agreements[agreementId];
        if (a.status == AgreementStatus.None) revert AgreementRegistryUnknownAgreement(agreementId);
    }

    function _authorization(uint64 id) private view returns (IAuthorizationRegistry.Authorization memory) {
        IAuthorizationRegistry registry = IAuthorizationRegistry(_contract(AUTHORIZATION_REGISTRY));
        if (id == NO_ID || id > registry.authorizationCount()) revert AgreementRegistryUnknownAuthorization(id);
        return registry.authorization(id);
    }

    function _authorizations() private view returns (IAuthorizationRegistry) {
        return IAuthorizationRegistry(_contract(AUTHORIZATION_REGISTRY));
    }

    function _participants() private view returns (IParticipantRegistry) {
        return IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
    }
}
