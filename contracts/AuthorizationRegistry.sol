// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IResourceCatalog} from "./interfaces/IResourceCatalog.sol";
import {IAgreementRegistry} from "./interfaces/IAgreementRegistry.sol";
import {IWorkingDayCalendar} from "./interfaces/IWorkingDayCalendar.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PublicText} from "./common/PublicText.sol";
import {DateMath} from "./common/DateMath.sol";
import {
    DATA_AUTHORITY,
    IMPLEMENTING_AGENCY,
    EXPERT,
    REGULATOR,
    PARTICIPANT_REGISTRY,
    RESOURCE_CATALOG,
    AGREEMENT_REGISTRY,
    WORKING_DAY_CALENDAR,
    NATIONAL_MAX_TERM_YEARS,
    NO_ID,
    AuthorizationMode,
    ParticipantKind,
    ParticipantStatus
} from "./common/Types.sol";

/**
 * @title AuthorizationRegistry
 * @notice 授权: calls for applications, the authorization lifecycle, two tiers and resource grants.
 * @dev C01-C07, C12, C23-C25, C30, C35, C38. A child is inactive whenever its parent is: the
 * cascade is evaluated on read (`isActive`), never by looping over children.
 */
contract AuthorizationRegistry is HubConsumer, IAuthorizationRegistry {
    /// @notice Upper bound on resources in one authorization's scope.
    uint256 public constant MAX_RESOURCES = 64;
    /// @notice Upper bound on domains in one authorization's scope.
    uint256 public constant MAX_DOMAINS = 32;
    /// @notice The notice floor no profile may go below: 5 working days are at least 5 days (C04).
    uint64 public constant MIN_NOTICE_FLOOR = 5 days;
    /// @notice The agreement kinds a profile may accept for tier 2, as Policy.tier2AgreementKinds
    /// bits: DevelopmentService (开发利用服务协议) and DevelopmentAuthorization (授权开发协议).
    uint8 public constant TIER2_AGREEMENT_KINDS =
        (uint8(1) << uint8(IAgreementRegistry.AgreementKind.DevelopmentService)) |
            (uint8(1) << uint8(IAgreementRegistry.AgreementKind.DevelopmentAuthorization));

    Policy private _policy;

    uint64 private _callCount;
    mapping(uint64 callId => Call) private _calls;
    mapping(uint64 callId => mapping(uint64 holderId => bool)) private _selected;

    uint64 private _count;
    mapping(uint64 id => Authorization) private _auths;
    mapping(uint64 id => mapping(address expert => bool)) private _expertVoted;
    mapping(uint64 id => mapping(uint64 resourceId => GrantStatus)) private _grants;
    mapping(uint64 id => uint256) private _grantsConfirmed;

    /// @param policy_ the chain-enforced numbers of the deployment's policy profile.
    constructor(IProvenantHub hub_, Policy memory policy_) HubConsumer(hub_) {
        // Ensure that the profile is at least as strict as the national baseline (C38).
        if (policy_.maxTermYears == 0) revert AuthorizationRegistryPolicyInvalid("maxTermYears");
        if (policy_.maxTermYears > NATIONAL_MAX_TERM_YEARS) {
            revert AuthorizationRegistryPolicyExceedsNational(policy_.maxTermYears, NATIONAL_MAX_TERM_YEARS);
        }
        if (policy_.tiers == 0 || policy_.tiers > 2) revert AuthorizationRegistryPolicyInvalid("tiers");
        if (policy_.expertQuorum == 0) revert AuthorizationRegistryPolicyInvalid("expertQuorum");
        if (policy_.scenarioOpinionQuorum == 0) revert AuthorizationRegistryPolicyInvalid("scenarioOpinionQuorum");
        if (policy_.productReviewQuorum == 0) revert AuthorizationRegistryPolicyInvalid("productReviewQuorum");
        // Ensure that a tier-2 authorization needs one of the development agreements, and at least one (C15).
        uint8 kinds = policy_.tier2AgreementKinds;
        if (kinds == 0 || (kinds & ~TIER2_AGREEMENT_KINDS) != 0) {
            revert AuthorizationRegistryPolicyInvalid("tier2AgreementKinds");
        }
        if (policy_.noticeMinSeconds < MIN_NOTICE_FLOOR) revert AuthorizationRegistryPolicyInvalid("noticeMinSeconds");
        _policy = policy_;
    }

    // ===== CALLS (C35) =====

    /// @inheritdoc IAuthorizationRegistry
    function publishCall(
        uint64 organizerId,
        AuthorizationMode mode,
        uint64 closesAt,
        bytes32 announcementHash,
        string calldata publicText
    ) external returns (uint64 callId) {
        IParticipantRegistry participants = _participants();
        participants.requireActiveSigner(organizerId, ParticipantKind.None, msg.sender);
        // Ensure that the organizer fits the mode (000 第五条).
        ParticipantKind kind = participants.kindOf(organizerId);
        bool ok = kind == ParticipantKind.DataAuthority ||
            (mode == AuthorizationMode.Comprehensive && kind == ParticipantKind.ImplementingAgency) ||
            (mode == AuthorizationMode.Domain && kind == ParticipantKind.SourceDepartment);
        if (mode == AuthorizationMode.None || !ok) revert AuthorizationRegistryInvalidOrganizer(organizerId, mode);
        if (announcementHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        if (closesAt <= _now()) revert AuthorizationRegistryInvalidTerm(_now(), closesAt);
        PublicText.checkRecord(publicText);
        callId = ++_callCount;
        _calls[callId] = Call({
            organizerId: organizerId,
            mode: mode,
            publishedAt: _now(),
            closesAt: closesAt,
            closed: false,
            announcementHash: announcementHash,
            resultHash: bytes32(0)
        });
        emit CallPublished(callId, organizerId, mode, closesAt, announcementHash, publicText, msg.sender);
    }

    /// @inheritdoc IAuthorizationRegistry
    function closeCall(uint64 callId, bytes32 resultHash, uint64[] calldata selectedHolderIds) external {
        Call storage c = _call(callId);
        _participants().requireActiveSigner(c.organizerId, ParticipantKind.None, msg.sender);
        if (c.closed) revert AuthorizationRegistryCallClosed(callId);
        // Ensure that the call ran its announced time: applications are open until `closesAt`
        // (000 第十条(2): 在公告规定时间内提交申请), so no selection comes before it.
        if (_now() < c.closesAt) revert AuthorizationRegistryCallStillOpen(callId, c.closesAt, _now());
        if (resultHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        // Ensure that only operators are recorded as selected, each once (002 第十二条).
        IParticipantRegistry participants = _participants();
        for (uint256 i = 0; i < selectedHolderIds.length; ++i) {
            uint64 holderId = selectedHolderIds[i];
            ParticipantKind kind = participants.kindOf(holderId);
            if (kind != ParticipantKind.Operator) {
                revert IParticipantRegistry.ParticipantRegistryWrongKind(holderId, ParticipantKind.Operator, kind);
            }
            if (_selected[callId][holderId]) revert AuthorizationRegistryDuplicateSelection(callId, holderId);
            _selected[callId][holderId] = true;
        }
        c.closed = true;
        c.resultHash = resultHash;
        emit CallClosed(callId, resultHash, selectedHolderIds, msg.sender);
    }

    // ===== APPLICATION AND REVIEW =====

    /// @inheritdoc IAuthorizationRegistry
    function applyFor(ApplicationRequest calldata req) external returns (uint64 id) {
        if (req.materialsHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        _checkTerm(req.termStart, req.termEnd);
        _checkScope(req.resourceIds, req.domains);

        uint8 tier;
        uint64 organizerId;
        AuthorizationMode mode;
        if (req.parentId == NO_ID) {
            // Tier 1: an operator answers an open call (000 第十条(1-2); C02, C35).
            _participants().requireActiveSigner(req.holderId, ParticipantKind.Operator, msg.sender);
            Call storage c = _call(req.callId);
            if (c.closed || _now() >= c.closesAt) revert AuthorizationRegistryCallClosed(req.callId);
            tier = 1;
            organizerId = c.organizerId;
            mode = c.mode;
        } else {
            // Tier 2: a developer under an active operator authorization (004 第七条, 第八条; C07).
            _participants().requireActiveSigner(req.holderId, ParticipantKind.Developer, msg.sender);
            if (req.callId != NO_ID) revert AuthorizationRegistryInvalidCallReference(req.callId);
            Authorization storage parent = _get(req.parentId);
            tier = parent.tier + 1;
            if (tier > _policy.tiers) revert AuthorizationRegistryTooManyTiers(tier, _policy.tiers);
            if (!isActive(req.parentId, _now())) revert AuthorizationRegistryParentInactive(req.parentId);
            _checkWithinParent(parent, req);
            organizerId = parent.holderId;
            mode = parent.mode;
        }
        if (mode == AuthorizationMode.Domain && req.domains.length == 0) {
            revert AuthorizationRegistryInvalidScope("domain mode needs domains");
        }

        id = ++_count;
        Authorization storage a = _auths[id];
        a.parentId = req.parentId;
        a.holderId = req.holderId;
        a.callId = req.callId;
        a.organizerId = organizerId;
        a.mode = mode;
        a.status = AuthorizationStatus.Applied;
        a.tier = tier;
        a.termStart = req.termStart;
        a.termEnd = req.termEnd;
        a.appliedAt = _now();
        a.statusChangedAt = _now();
        a.materialsHash = req.materialsHash;
        a.resourceIds = req.resourceIds;
        a.domains = req.domains;
        for (uint256 i = 0; i < req.resourceIds.length; ++i) {
            _grants[id][req.resourceIds[i]] = GrantStatus.Requested;
        }
        emit AuthorizationApplied(id, req.parentId, req.holderId, organizerId, mode, tier, req, msg.sender);
    }

    /// @inheritdoc IAuthorizationRegistry
    function preReview(uint64 id, bool pass, bytes32 opinionHash, string calldata statement) external {
        Authorization storage a = _getInStatus(id, AuthorizationStatus.Applied);
        if (a.tier == 1) _checkEitherRole(DATA_AUTHORITY, IMPLEMENTING_AGENCY);
        else _checkSignerOf(id, _auths[a.parentId].holderId);
        if (opinionHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        // Ensure that a rejection says why, in public (C21).
        PublicText.checkStatement(statement, !pass);
        AuthorizationStatus next = pass ? AuthorizationStatus.PreReviewed : AuthorizationStatus.Rejected;
        emit AuthorizationReviewed(id, ReviewStage.PreReview, pass, opinionHash, next, statement, msg.sender);
        _setStatus(id, next, opinionHash, false, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function expertReview(uint64 id, bool pass, bytes32 opinionHash, string calldata statement) external onlyRole(EXPERT) {
        Authorization storage a = _getInStatus(id, AuthorizationStatus.PreReviewed);
        if (opinionHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        // Ensure that an objection says why, in public (C21).
        PublicText.checkStatement(statement, !pass);
        // Ensure that each expert speaks once and none reviews its own organization.
        if (_expertVoted[id][msg.sender]) revert AuthorizationRegistryAlreadyReviewed(id, msg.sender);
        if (_participants().participantOf(msg.sender) == a.holderId) {
            revert AuthorizationRegistryConflictOfInterest(id, msg.sender);
        }
        _expertVoted[id][msg.sender] = true;
        if (pass) ++a.expertApprovals;
        else ++a.expertRejections;
        // Ensure that dissent counts (C03): the first side to reach the quorum decides. While the
        // objections are below the quorum, approvals at the quorum outnumber them.
        uint8 quorum = _policy.expertQuorum;
        AuthorizationStatus next = AuthorizationStatus.PreReviewed;
        if (a.expertRejections >= quorum) next = AuthorizationStatus.Rejected;
        else if (a.expertApprovals >= quorum) next = AuthorizationStatus.ExpertReviewed;
        emit AuthorizationReviewed(id, ReviewStage.Expert, pass, opinionHash, next, statement, msg.sender);
        if (next != AuthorizationStatus.PreReviewed) _setStatus(id, next, opinionHash, false, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function approve(uint64 id, bytes32 decisionHash, string calldata statement) external onlyRole(DATA_AUTHORITY) {
        Authorization storage a = _getInStatus(id, AuthorizationStatus.ExpertReviewed);
        if (decisionHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        // Ensure that an operator is approved only as the recorded result of its call selected
        // it (002 第十二条; 000 第十条): the call is closed and the holder is in its selection.
        if (a.tier == 1) {
            if (!_calls[a.callId].closed) revert AuthorizationRegistryCallNotClosed(id, a.callId);
            if (!_selected[a.callId][a.holderId]) revert AuthorizationRegistryNotSelected(id, a.callId, a.holderId);
        }
        PublicText.checkStatement(statement, false);
        _setStatus(id, AuthorizationStatus.Approved, decisionHash, false, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function reject(uint64 id, bytes32 reasonHash, string calldata statement) external onlyRole(DATA_AUTHORITY) {
        AuthorizationStatus s = _get(id).status;
        if (
            s != AuthorizationStatus.Applied &&
            s != AuthorizationStatus.PreReviewed &&
            s != AuthorizationStatus.ExpertReviewed &&
            s != AuthorizationStatus.Approved &&
            s != AuthorizationStatus.Noticed
        ) revert AuthorizationRegistryWrongStatus(id, s);
        // Ensure that a refusal says why, in public (C21).
        PublicText.checkStatement(statement, true);
        _setStatus(id, AuthorizationStatus.Rejected, reasonHash, false, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function startNotice(uint64 id, uint64 noticeEnd) external onlyRoles(DATA_AUTHORITY, IMPLEMENTING_AGENCY) {
        Authorization storage a = _getInStatus(id, AuthorizationStatus.Approved);
        // Ensure that the notice lasts the profile's working days, holidays not counted (C04).
        (uint64 earliest, bool provisional) = _noticeEarliestEnd();
        if (noticeEnd < earliest) revert AuthorizationRegistryNoticeTooShort(noticeEnd, earliest);
        if (noticeEnd >= a.termEnd) revert AuthorizationRegistryTermOver(id, a.termEnd);
        a.noticeEnd = noticeEnd;
        _setStatus(id, AuthorizationStatus.Noticed, bytes32(0), false);
        emit AuthorizationNoticed(id, noticeEnd, earliest, provisional, msg.sender);
    }

    /// @inheritdoc IAuthorizationRegistry
    function activate(uint64 id, uint64 agreementId) external onlyRole(DATA_AUTHORITY) {
        Authorization storage a = _getInStatus(id, AuthorizationStatus.Noticed);
        // Ensure that the notice has run its course (C04).
        if (_now() < a.noticeEnd) revert AuthorizationRegistryNoticeOpen(id, a.noticeEnd);
        if (_now() >= a.termEnd) revert AuthorizationRegistryTermOver(id, a.termEnd);
        // Ensure that every resource grant is confirmed by its source department (C12).
        uint256 required = a.resourceIds.length;
        if (_grantsConfirmed[id] != required) {
            revert AuthorizationRegistryGrantsIncomplete(id, _grantsConfirmed[id], required);
        }
        // Ensure that every resource is still authorizable (C10, C36): it may have been delisted,
        // changed or let its registration lapse since the application.
        IResourceCatalog catalog = _catalog();
        for (uint256 i = 0; i < required; ++i) {
            catalog.requireAuthorizable(a.resourceIds[i]);
        }
        // Ensure that the holder is still admitted and the parent still active (C07).
        _participants().requireActive(a.holderId, ParticipantKind.None);
        if (a.parentId != NO_ID && !isActive(a.parentId, _now())) revert AuthorizationRegistryParentInactive(a.parentId);
        a.agreementId = agreementId;
        // Ensure that an effective, filed agreement covers this authorization (C05).
        IAgreementRegistry(_contract(AGREEMENT_REGISTRY)).requireCovers(agreementId, id);
        a.activatedAt = _now();
        _setStatus(id, AuthorizationStatus.Active, bytes32(0), false);
        emit AuthorizationActivated(id, agreementId, a.termStart, a.termEnd, msg.sender);
    }

    // ===== SUPERVISION =====

    /// @inheritdoc IAuthorizationRegistry
    function suspend(uint64 id, bytes32 reasonHash, string calldata statement) external onlyRole(DATA_AUTHORITY) {
        _getLive(id, AuthorizationStatus.Active);
        // Ensure that a suspension says why, in public (C21).
        PublicText.checkStatement(statement, true);
        _setStatus(id, AuthorizationStatus.Suspended, reasonHash, false, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function emergencySuspend(uint64 id, bytes32 riskHash, string calldata statement) external {
        Authorization storage a = _getLive(id, AuthorizationStatus.Active);
        if (riskHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        // Ensure that the caller is the authority, a regulator, the holder or the parent operator.
        IParticipantRegistry participants = _participants();
        bool allowed = _hasRole(DATA_AUTHORITY, msg.sender) ||
            _hasRole(REGULATOR, msg.sender) ||
            participants.isActiveSigner(a.holderId, msg.sender) ||
            (a.parentId != NO_ID && participants.isActiveSigner(_auths[a.parentId].holderId, msg.sender));
        if (!allowed) revert AuthorizationRegistryNotAuthorized(id, msg.sender);
        // Ensure that an emergency stop says why, in public (C21).
        PublicText.checkStatement(statement, true);
        _setStatus(id, AuthorizationStatus.Suspended, riskHash, true, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function reinstate(
        uint64 id,
        bytes32 rectificationHash,
        string calldata statement
    ) external onlyRole(DATA_AUTHORITY) {
        _getLive(id, AuthorizationStatus.Suspended);
        if (rectificationHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        PublicText.checkStatement(statement, false);
        _setStatus(id, AuthorizationStatus.Active, rectificationHash, false, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function terminate(uint64 id, bytes32 reasonHash, string calldata statement) external onlyRole(DATA_AUTHORITY) {
        _getLive(id, AuthorizationStatus.Suspended);
        // Ensure that a termination says why, in public (C21).
        PublicText.checkStatement(statement, true);
        _setStatus(id, AuthorizationStatus.Terminated, reasonHash, false, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function revoke(uint64 id, bytes32 reasonHash, string calldata statement) external onlyRole(DATA_AUTHORITY) {
        AuthorizationStatus s = _get(id).status;
        if (
            s != AuthorizationStatus.Approved &&
            s != AuthorizationStatus.Noticed &&
            s != AuthorizationStatus.Active &&
            s != AuthorizationStatus.Suspended
        ) revert AuthorizationRegistryWrongStatus(id, s);
        // Ensure that a revocation says why, in public (C21).
        PublicText.checkStatement(statement, true);
        _setStatus(id, AuthorizationStatus.Revoked, reasonHash, false, statement);
    }

    // ===== EXIT (C25) =====

    /// @inheritdoc IAuthorizationRegistry
    function requestExit(uint64 id, bytes32 reasonHash) external {
        Authorization storage a = _get(id);
        _checkSignerOf(id, a.holderId);
        if (a.status != AuthorizationStatus.Active && a.status != AuthorizationStatus.Suspended) {
            revert AuthorizationRegistryWrongStatus(id, a.status);
        }
        if (a.exitRequested) revert AuthorizationRegistryExitPending(id);
        if (reasonHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        a.exitRequested = true;
        emit ExitRequested(id, reasonHash, msg.sender);
    }

    /// @inheritdoc IAuthorizationRegistry
    function reviewExit(
        uint64 id,
        bool approveExit,
        uint64 noticeEnd,
        bytes32 opinionHash,
        string calldata statement
    ) external onlyRole(DATA_AUTHORITY) {
        Authorization storage a = _get(id);
        if (!a.exitRequested || a.exitNoticeEnd != 0) revert AuthorizationRegistryNoExitRequest(id);
        if (opinionHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        if (a.status != AuthorizationStatus.Active && a.status != AuthorizationStatus.Suspended) {
            revert AuthorizationRegistryWrongStatus(id, a.status);
        }
        // Ensure that a refused exit says why, in public (C21).
        PublicText.checkStatement(statement, !approveExit);
        if (approveExit) {
            (uint64 earliest, ) = _noticeEarliestEnd();
            if (noticeEnd < earliest) revert AuthorizationRegistryNoticeTooShort(noticeEnd, earliest);
            a.exitNoticeEnd = noticeEnd;
        } else {
            a.exitRequested = false;
            noticeEnd = 0;
        }
        emit ExitReviewed(id, approveExit, noticeEnd, opinionHash, statement, msg.sender);
    }

    /// @inheritdoc IAuthorizationRegistry
    function completeExit(uint64 id) external onlyRole(DATA_AUTHORITY) {
        Authorization storage a = _get(id);
        if (a.exitNoticeEnd == 0) revert AuthorizationRegistryNoExitRequest(id);
        if (a.status != AuthorizationStatus.Active && a.status != AuthorizationStatus.Suspended) {
            revert AuthorizationRegistryWrongStatus(id, a.status);
        }
        if (_now() < a.exitNoticeEnd) revert AuthorizationRegistryNoticeOpen(id, a.exitNoticeEnd);
        _setStatus(id, AuthorizationStatus.Exited, bytes32(0), false);
    }

    // ===== RESOURCE GRANTS (C12) =====

    /// @inheritdoc IAuthorizationRegistry
    function preReviewGrant(
        uint64 id,
        uint64 resourceId,
        bool pass,
        bytes32 opinionHash,
        string calldata statement
    ) external {
        Authorization storage a = _getPending(id);
        if (a.parentId == NO_ID) revert AuthorizationRegistryWrongGrantStatus(id, resourceId, _grants[id][resourceId]);
        _checkSignerOf(id, _auths[a.parentId].holderId);
        _advanceGrant(id, resourceId, GrantStatus.Requested, GrantStatus.PreReviewed, pass, opinionHash, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function evaluateGrant(
        uint64 id,
        uint64 resourceId,
        bool pass,
        bytes32 opinionHash,
        string calldata statement
    ) external onlyRole(DATA_AUTHORITY) {
        Authorization storage a = _getPending(id);
        GrantStatus from = a.parentId == NO_ID ? GrantStatus.Requested : GrantStatus.PreReviewed;
        _advanceGrant(id, resourceId, from, GrantStatus.Evaluated, pass, opinionHash, statement);
    }

    /// @inheritdoc IAuthorizationRegistry
    function confirmGrant(
        uint64 id,
        uint64 resourceId,
        bool pass,
        bytes32 opinionHash,
        string calldata statement
    ) external {
        _getPending(id);
        uint64 sourceDeptId = _catalog().resource(resourceId).sourceDeptId;
        _checkSignerOf(id, sourceDeptId);
        _advanceGrant(id, resourceId, GrantStatus.Evaluated, GrantStatus.Confirmed, pass, opinionHash, statement);
        if (pass) ++_grantsConfirmed[id];
    }

    // ===== GETTERS =====

    /// @inheritdoc IAuthorizationRegistry
    function policy() external view returns (Policy memory) {
        return _policy;
    }

    /// @inheritdoc IAuthorizationRegistry
    function call(uint64 callId) external view returns (Call memory) {
        return _call(callId);
    }

    /// @inheritdoc IAuthorizationRegistry
    function isSelected(uint64 callId, uint64 holderId) external view returns (bool) {
        return _selected[callId][holderId];
    }

    /// @inheritdoc IAuthorizationRegistry
    function authorization(uint64 id) external view returns (Authorization memory) {
        return _get(id);
    }

    /// @inheritdoc IAuthorizationRegistry
    function holderOf(uint64 id) external view returns (uint64) {
        return _get(id).holderId;
    }

    /// @inheritdoc IAuthorizationRegistry
    function statusAt(uint64 id, uint64 at) public view returns (AuthorizationStatus) {
        Authorization storage a = _get(id);
        AuthorizationStatus s = a.status;
        if ((s == AuthorizationStatus.Active || s == AuthorizationStatus.Suspended) && at >= a.termEnd) {
            return AuthorizationStatus.Expired;
        }
        return s;
    }

    /// @inheritdoc IAuthorizationRegistry
    function isActive(uint64 id, uint64 at) public view returns (bool) {
        Authorization storage a = _auths[id];
        if (a.status != AuthorizationStatus.Active) return false;
        if (at < a.activatedAt || at < a.termStart || at >= a.termEnd) return false;
        if (_participants().statusOf(a.holderId) != ParticipantStatus.Active) return false;
        return a.parentId == NO_ID || isActive(a.parentId, at);
    }

    /// @inheritdoc IAuthorizationRegistry
    function requireActive(uint64 id) external view {
        Authorization storage a = _get(id);
        if (a.parentId != NO_ID && !isActive(a.parentId, _now())) revert AuthorizationRegistryParentInactive(a.parentId);
        if (!isActive(id, _now())) revert AuthorizationRegistryWrongStatus(id, statusAt(id, _now()));
    }

    /// @inheritdoc IAuthorizationRegistry
    function inScope(uint64 id, uint64 resourceId) external view returns (bool) {
        return _grants[id][resourceId] != GrantStatus.None;
    }

    /// @inheritdoc IAuthorizationRegistry
    function grantStatus(uint64 id, uint64 resourceId) external view returns (GrantStatus) {
        return _grants[id][resourceId];
    }

    /// @inheritdoc IAuthorizationRegistry
    function authorizationCount() external view returns (uint64) {
        return _count;
    }

    // ===== HELPERS =====

    function _get(uint64 id) private view returns (Authorization storage a) {
        a = _auths[id];
        if (a.status == AuthorizationStatus.None) revert AuthorizationRegistryUnknownAuthorization(id);
    }

    function _getInStatus(uint64 id, AuthorizationStatus expected) private view returns (Authorization storage a) {
        a = _get(id);
        if (a.status != expected) revert AuthorizationRegistryWrongStatus(id, a.status);
    }

    /// @dev In `expected` status and within its term (an expired authorization changes no more).
    function _getLive(uint64 id, AuthorizationStatus expected) private view returns (Authorization storage a) {
        a = _getInStatus(id, expected);
        if (_now() >= a.termEnd) revert AuthorizationRegistryWrongStatus(id, AuthorizationStatus.Expired);
    }

    /// @dev Not yet active and not refused: grants can still move.
    function _getPending(uint64 id) private view returns (Authorization storage a) {
        a = _get(id);
        AuthorizationStatus s = a.status;
        if (
            s == AuthorizationStatus.Rejected ||
            s == AuthorizationStatus.Active ||
            uint8(s) >= uint8(AuthorizationStatus.Suspended)
        ) revert AuthorizationRegistryWrongStatus(id, s);
    }

    function _call(uint64 callId) private view returns (Call storage c) {
        c = _calls[callId];
        if (c.mode == AuthorizationMode.None) revert AuthorizationRegistryUnknownCall(callId);
    }

    /// @dev A routine step: its status change carries an empty statement.
    function _setStatus(uint64 id, AuthorizationStatus to, bytes32 reasonHash, bool emergency) private {
        Authorization storage a = _auths[id];
        AuthorizationStatus from = a.status;
        a.status = to;
        a.statusChangedAt = _now();
        emit AuthorizationStatusChanged(id, from, to, reasonHash, emergency, "", msg.sender);
    }

    /// @dev A decision: its status change carries the (checked) public statement.
    function _setStatus(
        uint64 id,
        AuthorizationStatus to,
        bytes32 reasonHash,
        bool emergency,
        string calldata statement
    ) private {
        Authorization storage a = _auths[id];
        AuthorizationStatus from = a.status;
        a.status = to;
        a.statusChangedAt = _now();
        emit AuthorizationStatusChanged(id, from, to, reasonHash, emergency, statement, msg.sender);
    }

    function _advanceGrant(
        uint64 id,
        uint64 resourceId,
        GrantStatus from,
        GrantStatus to,
        bool pass,
        bytes32 opinionHash,
        string calldata statement
    ) private {
        GrantStatus current = _grants[id][resourceId];
        if (current != from) revert AuthorizationRegistryWrongGrantStatus(id, resourceId, current);
        if (opinionHash == bytes32(0)) revert AuthorizationRegistryZeroHash();
        // Ensure that a refusal says why, in public (C21).
        PublicText.checkStatement(statement, !pass);
        GrantStatus next = pass ? to : GrantStatus.Refused;
        _grants[id][resourceId] = next;
        emit GrantAdvanced(id, resourceId, next, opinionHash, statement, msg.sender);
    }

    function _checkSignerOf(uint64 id, uint64 participantId) private view {
        if (!_participants().isActiveSigner(participantId, msg.sender)) {
            revert AuthorizationRegistryNotAuthorized(id, msg.sender);
        }
    }

    /// @dev C06: the term ends after it starts, not in the past, within the profile's maximum.
    function _checkTerm(uint64 termStart, uint64 termEnd) private view {
        if (termEnd <= termStart || termEnd <= _now()) revert AuthorizationRegistryInvalidTerm(termStart, termEnd);
        uint64 maxEnd = DateMath.addYears(termStart, _policy.maxTermYears);
        if (termEnd > maxEnd) revert AuthorizationRegistryTermExceedsPolicy(termEnd, maxEnd);
    }

    /// @dev Resources are authorizable (C10, C36) and strictly ascending; domains strictly ascending.
    function _checkScope(uint64[] calldata resourceIds, bytes32[] calldata domains) private view {
        uint256 n = resourceIds.length;
        if (n == 0 || n > MAX_RESOURCES) revert AuthorizationRegistryInvalidScope("resource count");
        if (domains.length > MAX_DOMAINS) revert AuthorizationRegistryInvalidScope("domain count");
        IResourceCatalog catalog = _catalog();
        for (uint256 i = 0; i < n; ++i) {
            if (i > 0 && resourceIds[i] <= resourceIds[i - 1]) revert AuthorizationRegistryInvalidScope("resources order");
            catalog.requireAuthorizable(resourceIds[i]);
        }
        for (uint256 i = 0; i < domains.length; ++i) {
            if (domains[i] == bytes32(0) || (i > 0 && domains[i] <= domains[i - 1])) {
                revert AuthorizationRegistryInvalidScope("domains order");
            }
        }
    }

    /// @dev C07: a child's scope is a subset of its parent's, its term inside the parent's.
    function _checkWithinParent(Authorization storage parent, ApplicationRequest calldata req) private view {
        if (req.termStart < parent.termStart || req.termEnd > parent.termEnd) {
            revert AuthorizationRegistryChildExceedsParent(req.parentId, "term");
        }
        if (!_isSubsetU64(req.resourceIds, parent.resourceIds)) {
            revert AuthorizationRegistryChildExceedsParent(req.parentId, "resources");
        }
        if (!_isSubsetB32(req.domains, parent.domains)) {
            revert AuthorizationRegistryChildExceedsParent(req.parentId, "domains");
        }
    }

    /// @dev Both arrays strictly ascending: one merge walk.
    function _isSubsetU64(uint64[] calldata sub, uint64[] storage sup) private view returns (bool) {
        uint256 j = 0;
        for (uint256 i = 0; i < sub.length; ++i) {
            while (j < sup.length && sup[j] < sub[i]) ++j;
            if (j == sup.length || sup[j] != sub[i]) return false;
        }
        return true;
    }

    function _isSubsetB32(bytes32[] calldata sub, bytes32[] storage sup) private view returns (bool) {
        uint256 j = 0;
        for (uint256 i = 0; i < sub.length; ++i) {
            while (j < sup.length && sup[j] < sub[i]) ++j;
            if (j == sup.length || sup[j] != sub[i]) return false;
        }
        return true;
    }

    /// @dev The earliest end of a notice started now: the end of the profile's N-th working day
    /// after today on the WorkingDayCalendar, and never before now + N calendar days.
    function _noticeEarliestEnd() private view returns (uint64 earliest, bool provisional) {
        uint64 workingDays = _policy.noticeMinSeconds / 1 days;
        (earliest, provisional) = IWorkingDayCalendar(_contract(WORKING_DAY_CALENDAR)).addWorkingDays(_now(), workingDays);
        uint64 floor = _now() + _policy.noticeMinSeconds;
        if (earliest < floor) earliest = floor;
    }

    function _participants() private view returns (IParticipantRegistry) {
        return IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
    }

    function _catalog() private view returns (IResourceCatalog) {
        return IResourceCatalog(_contract(RESOURCE_CATALOG));
    }
}
