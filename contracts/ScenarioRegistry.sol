// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IScenarioRegistry} from "./interfaces/IScenarioRegistry.sol";
import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IResourceCatalog} from "./interfaces/IResourceCatalog.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PublicText} from "./common/PublicText.sol";
import {
    DATA_AUTHORITY,
    EXPERT,
    PARTICIPANT_REGISTRY,
    AUTHORIZATION_REGISTRY,
    RESOURCE_CATALOG,
    ParticipantKind
} from "./common/Types.sol";

/**
 * @title ScenarioRegistry
 * @notice 应用场景: one scenario, one authorization, one review.
 * @dev C13 (002 第二十三条; 004 第十五条; 000 第九条), C14 (003 第二十五条; 004 第九条). A scenario's
 * content never changes after the proposal; usability follows its authorization and its
 * resources on read.
 */
contract ScenarioRegistry is HubConsumer, IScenarioRegistry {
    /// @notice Upper bound on resources one scenario lists (the authorization's own bound).
    uint256 public constant MAX_RESOURCES = 64;
    /// @dev Resource ids start at 1.
    uint64 private constant NO_RESOURCE = 0;

    uint64 private _count;
    mapping(uint64 id => Scenario) private _scenarios;
    mapping(uint64 id => mapping(address reviewer => bool)) private _opined;
    /// @dev keccak256(authorizationId, purposeHash, resourceIds) => the live scenario with that content.
    mapping(bytes32 contentKey => uint64 id) private _idByContent;

    constructor(IProvenantHub hub_) HubConsumer(hub_) {}

    // ===== PROPOSAL AND REVIEW =====

    /// @inheritdoc IScenarioRegistry
    function proposeScenario(ScenarioRequest calldata req) external returns (uint64 id) {
        IAuthorizationRegistry auths = _authorizations();
        _participants().requireActiveSigner(req.holderId, ParticipantKind.None, msg.sender);
        if (req.purposeHash == bytes32(0)) revert ScenarioRegistryZeroHash("purposeHash");
        if (req.descriptionHash == bytes32(0)) revert ScenarioRegistryZeroHash("descriptionHash");
        PublicText.checkRecord(req.publicText);
        // Ensure that the scenario runs under one authorization of its own holder (002 第二十三条).
        uint64 authHolder = auths.holderOf(req.authorizationId);
        if (authHolder != req.holderId) {
            revert ScenarioRegistryHolderMismatch(req.authorizationId, authHolder, req.holderId);
        }
        IAuthorizationRegistry.AuthorizationStatus s = auths.statusAt(req.authorizationId, _now());
        if (_isClosed(s)) revert ScenarioRegistryAuthorizationClosed(req.authorizationId, s);
        _checkResources(auths, req.authorizationId, req.resourceIds);
        // Ensure that the same scenario is not filed twice while one copy is pending or approved.
        bytes32 key = keccak256(abi.encode(req.authorizationId, req.purposeHash, req.resourceIds));
        uint64 existing = _idByContent[key];
        if (existing != 0 && _isLive(_scenarios[existing].status)) revert ScenarioRegistryDuplicate(existing);

        id = ++_count;
        _idByContent[key] = id;
        Scenario storage sc = _scenarios[id];
        sc.holderId = req.holderId;
        sc.authorizationId = req.authorizationId;
        sc.status = ScenarioStatus.Proposed;
        sc.proposedAt = _now();
        sc.purposeHash = req.purposeHash;
        sc.descriptionHash = req.descriptionHash;
        sc.resourceIds = req.resourceIds;
        emit ScenarioProposed(
            id,
            req.authorizationId,
            req.holderId,
            req.purposeHash,
            req.descriptionHash,
            req.resourceIds,
            req.publicText,
            msg.sender
        );
    }

    /// @inheritdoc IScenarioRegistry
    function recordOpinion(uint64 id, bool pass, bytes32 opinionHash) external onlyRoles(EXPERT, DATA_AUTHORITY) {
        Scenario storage sc = _getUndecided(id);
        if (opinionHash == bytes32(0)) revert ScenarioRegistryZeroHash("opinionHash");
        // Ensure that each reviewer speaks once and none reviews its own organization.
        if (_opined[id][msg.sender]) revert ScenarioRegistryAlreadyGaveOpinion(id, msg.sender);
        if (_participants().participantOf(msg.sender) == sc.holderId) {
            revert ScenarioRegistryConflictOfInterest(id, msg.sender);
        }
        _opined[id][msg.sender] = true;
        if (pass) ++sc.approvingOpinions;
        else ++sc.objectingOpinions;
        emit ScenarioOpinionRecorded(id, pass, opinionHash, msg.sender);
    }

    /// @inheritdoc IScenarioRegistry
    function approveScenario(
        uint64 id,
        bytes32 decisionHash,
        string calldata statement
    ) external onlyRole(DATA_AUTHORITY) {
        Scenario storage sc = _getUndecided(id);
        // Ensure that the authorization can still carry the scenario.
        IAuthorizationRegistry.AuthorizationStatus s = _authorizations().statusAt(sc.authorizationId, _now());
        if (_isClosed(s)) revert ScenarioRegistryAuthorizationClosed(sc.authorizationId, s);
        // Ensure that the review took place and that its majority does not object (C13).
        uint16 approving = sc.approvingOpinions;
        uint16 objecting = sc.objectingOpinions;
        uint8 required = _authorizations().policy().scenarioOpinionQuorum;
        if (approving + objecting < required) revert ScenarioRegistryTooFewOpinions(id, approving + objecting, required);
        if (objecting > approving) revert ScenarioRegistryOpinionsAgainst(id, approving, objecting);
        PublicText.checkStatement(statement, false);
        _decide(id, sc, ScenarioStatus.Approved, decisionHash, statement);
    }

    /// @inheritdoc IScenarioRegistry
    function rejectScenario(
        uint64 id,
        bytes32 reasonHash,
        string calldata statement
    ) external onlyRole(DATA_AUTHORITY) {
        Scenario storage sc = _getUndecided(id);
        // Ensure that a refusal says why, in public (C21).
        PublicText.checkStatement(statement, true);
        _decide(id, sc, ScenarioStatus.Rejected, reasonHash, statement);
    }

    /// @inheritdoc IScenarioRegistry
    function retireScenario(uint64 id, bytes32 reasonHash, string calldata statement) external {
        Scenario storage sc = _get(id);
        if (!_hasRole(DATA_AUTHORITY, msg.sender) && !_participants().isActiveSigner(sc.holderId, msg.sender)) {
            revert ScenarioRegistryNotAuthorized(id, msg.sender);
        }
        ScenarioStatus from = sc.status;
        if (!_isLive(from)) revert ScenarioRegistryWrongStatus(id, from);
        if (reasonHash == bytes32(0)) revert ScenarioRegistryZeroHash("reasonHash");
        // Ensure that a retirement says why, in public (C21).
        PublicText.checkStatement(statement, true);
        sc.status = ScenarioStatus.Retired;
        sc.retiredAt = _now();
        emit ScenarioRetired(id, sc.authorizationId, from, reasonHash, statement, msg.sender);
    }

    // ===== GETTERS =====

    /// @inheritdoc IScenarioRegistry
    function scenario(uint64 id) external view returns (Scenario memory) {
        return _get(id);
    }

    /// @inheritdoc IScenarioRegistry
    function isApproved(uint64 id) public view returns (bool) {
        return _scenarios[id].status == ScenarioStatus.Approved;
    }

    /// @inheritdoc IScenarioRegistry
    function isUsable(uint64 id, uint64 at) external view returns (bool) {
        Scenario storage sc = _scenarios[id];
        if (!isApproved(id) || !_authorizations().isActive(sc.authorizationId, at)) return false;
        return _firstUnauthorizable(sc.resourceIds, at) == NO_RESOURCE;
    }

    /// @inheritdoc IScenarioRegistry
    function requireUsable(uint64 id, uint64 at) external view {
        Scenario storage sc = _get(id);
        if (sc.status != ScenarioStatus.Approved) revert ScenarioRegistryNotApproved(id, sc.status);
        if (!_authorizations().isActive(sc.authorizationId, at)) {
            revert ScenarioRegistryAuthorizationInactive(id, sc.authorizationId, at);
        }
        // Ensure that every resource it uses still may be used (C10, C36).
        uint64 lost = _firstUnauthorizable(sc.resourceIds, at);
        if (lost != NO_RESOURCE) revert ScenarioRegistryResourceNotAuthorizable(id, lost);
    }

    /// @inheritdoc IScenarioRegistry
    function usesResource(uint64 id, uint64 resourceId) external view returns (bool) {
        uint64[] storage ids = _get(id).resourceIds;
        // Binary search: the list is strictly ascending.
        uint256 lo = 0;
        uint256 hi = ids.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            uint64 v = ids[mid];
            if (v == resourceId) return true;
            if (v < resourceId) lo = mid + 1;
            else hi = mid;
        }
        return false;
    }

    /// @inheritdoc IScenarioRegistry
    function scenarioCount() external view returns (uint64) {
        return _count;
    }

    // ===== HELPERS =====

    function _decide(
        uint64 id,
        Scenario storage sc,
        ScenarioStatus status,
        bytes32 decisionHash,
        string calldata statement
    ) private {
        if (decisionHash == bytes32(0)) revert ScenarioRegistryZeroHash("decisionHash");
        sc.status = status;
        sc.decidedAt = _now();
        sc.decisionHash = decisionHash;
        emit ScenarioDecided(
            id,
            sc.authorizationId,
            status,
            decisionHash,
            sc.approvingOpinions,
            sc.objectingOpinions,
            statement,
            msg.sender
        );
    }

    /// @dev Non-empty, bounded, strictly ascending, each in the authorization's scope (C14).
    function _checkResources(IAuthorizationRegistry auths, uint64 authorizationId, uint64[] calldata ids) private view {
        uint256 n = ids.length;
        if (n == 0) revert ScenarioRegistryNoResources();
        if (n > MAX_RESOURCES) revert ScenarioRegistryTooManyResources(n, MAX_RESOURCES);
        for (uint256 i = 0; i < n; ++i) {
            if (i > 0 && ids[i] <= ids[i - 1]) revert ScenarioRegistryResourcesNotAscending(i, ids[i]);
            if (!auths.inScope(authorizationId, ids[i])) {
                revert ScenarioRegistryResourceOutOfScope(authorizationId, ids[i]);
            }
        }
    }

    /// @dev The first resource that has stopped being authorizable at `at`, or NO_RESOURCE.
    function _firstUnauthorizable(uint64[] storage ids, uint64 at) private view returns (uint64) {
        IResourceCatalog catalog = IResourceCatalog(_contract(RESOURCE_CATALOG));
        for (uint256 i = 0; i < ids.length; ++i) {
            if (!catalog.isAuthorizable(ids[i], at)) return ids[i];
        }
        return NO_RESOURCE;
    }

    function _get(uint64 id) private view returns (Scenario storage sc) {
        sc = _scenarios[id];
        if (sc.status == ScenarioStatus.None) revert ScenarioRegistryUnknownScenario(id);
    }

    /// @dev Proposed, or revert: an approved or rejected scenario was reviewed once, for good.
    function _getUndecided(uint64 id) private view returns (Scenario storage sc) {
        sc = _get(id);
        if (sc.status == ScenarioStatus.Approved || sc.status == ScenarioStatus.Rejected) {
            revert ScenarioRegistryAlreadyReviewed(id, sc.status);
        }
        if (sc.status != ScenarioStatus.Proposed) revert ScenarioRegistryWrongStatus(id, sc.status);
    }

    function _isLive(ScenarioStatus s) private pure returns (bool) {
        return s == ScenarioStatus.Proposed || s == ScenarioStatus.Approved;
    }

    /// @dev An authorization that can never (again) be active.
    function _isClosed(IAuthorizationRegistry.AuthorizationStatus s) private pure returns (bool) {
        return
            s == IAuthorizationRegistry.AuthorizationStatus.Rejected ||
            s == IAuthorizationRegistry.AuthorizationStatus.Terminated ||
            s == IAuthorizationRegistry.AuthorizationStatus.Revoked ||
            s == IAuthorizationRegistry.AuthorizationStatus.Exited ||
            s == IAuthorizationRegistry.AuthorizationStatus.Expired;
    }

    function _authorizations() private view returns (IAuthorizationRegistry) {
        return IAuthorizationRegistry(_contract(AUTHORIZATION_REGISTRY));
    }

    function _participants() private view returns (IParticipantRegistry) {
        return IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
    }
}
