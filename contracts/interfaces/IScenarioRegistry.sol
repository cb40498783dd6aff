// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAuthorizationRegistry} from "./IAuthorizationRegistry.sol";

/**
 * @title IScenarioRegistry
 * @notice Application scenarios (应用场景): "one scenario, one authorization, one review"
 * (一场景一授权、一场景一审定; 002 第二十三条; 004 第十五条; 000 第九条). A scenario names its
 * holder, the one authorization it runs under, its purpose and the minimal resources it needs
 * (C14; 003 第二十五条; 004 第九条). It is reviewed once; a change of purpose or resources is a
 * new scenario, so nothing here updates a scenario's content.
 *
 * Proposed -> Approved | Rejected ; Proposed | Approved -> Retired
 */
interface IScenarioRegistry {
    /// @notice Lifecycle of a scenario.
    enum ScenarioStatus {
        None,
        Proposed, // filed by the holder, awaiting the one review
        Approved, // 审定通过: data may be used for this scenario (C13)
        Rejected, // 不予审定 (terminal)
        Retired // withdrawn by the holder or the authority (terminal)
    }

    /// @notice A scenario proposal: more than four values, so a request struct.
    struct ScenarioRequest {
        uint64 holderId; // the authorization's holder (operator or developer)
        uint64 authorizationId; // the one authorization the scenario runs under
        bytes32 purposeHash; // digest of the purpose statement (使用目的)
        bytes32 descriptionHash; // hash of the scenario application document kept off chain
        uint64[] resourceIds; // the resources it needs: non-empty, strictly ascending, in the authorization's scope
        string publicText; // public name and purpose, JSON (C21); required, carried in ScenarioProposed only
    }

    /// @notice A scenario with its review state.
    struct Scenario {
        uint64 holderId; // the authorization's holder
        uint64 authorizationId; // the one authorization
        ScenarioStatus status; // see ScenarioStatus
        uint16 approvingOpinions; // review opinions in favour (EXPERT or DATA_AUTHORITY)
        uint16 objectingOpinions; // review opinions against
        uint64 proposedAt; // block time of the proposal
        uint64 decidedAt; // block time of the approval or rejection (0: not yet)
        uint64 retiredAt; // block time of retirement (0: not retired)
        bytes32 purposeHash; // digest of the purpose statement
        bytes32 descriptionHash; // hash of the application document
        bytes32 decisionHash; // hash of the approval or rejection decision
        uint64[] resourceIds; // the minimal resources it needs, strictly ascending
    }

    /// @notice A holder proposed a scenario; carries the whole request (C13, C14).
    event ScenarioProposed(
        uint64 indexed id,
        uint64 indexed authorizationId,
        uint64 indexed holderId,
        bytes32 purposeHash,
        bytes32 descriptionHash,
        uint64[] resourceIds,
        string publicText,
        address by
    );
    /// @notice A review opinion was recorded by an EXPERT or the authority (C13).
    event ScenarioOpinionRecorded(uint64 indexed id, bool pass, bytes32 opinionHash, address reviewer);
    /// @notice The authority decided the scenario's one review; `status` is Approved or Rejected (C13);
    /// `statement` is the decision's public statement (C21; required for a rejection).
    event ScenarioDecided(
        uint64 indexed id,
        uint64 indexed authorizationId,
        ScenarioStatus status,
        bytes32 decisionHash,
        uint16 approvingOpinions,
        uint16 objectingOpinions,
        string statement,
        address by
    );
    /// @notice A scenario was retired; `from` is its status before; `statement` is the public reason (C21).
    event ScenarioRetired(
        uint64 indexed id,
        uint64 indexed authorizationId,
        ScenarioStatus from,
        bytes32 reasonHash,
        string statement,
        address by
    );

    error ScenarioRegistryUnknownScenario(uint64 id);
    error ScenarioRegistryZeroHash(string field);
    error ScenarioRegistryHolderMismatch(uint64 authorizationId, uint64 authorizationHolderId, uint64 holderId);
    error ScenarioRegistryAuthorizationClosed(
        uint64 authorizationId,
        IAuthorizationRegistry.AuthorizationStatus authorizationStatus
    );
    error ScenarioRegistryNoResources();
    error ScenarioRegistryTooManyResources(uint256 count, uint256 max);
    error ScenarioRegistryResourcesNotAscending(uint256 index, uint64 resourceId);
    error ScenarioRegistryResourceOutOfScope(uint64 authorizationId, uint64 resourceId);
    error ScenarioRegistryDuplicate(uint64 existingId);
    error ScenarioRegistryAlreadyReviewed(uint64 id, ScenarioStatus status);
    error ScenarioRegistryAlreadyGaveOpinion(uint64 id, address reviewer);
    error ScenarioRegistryConflictOfInterest(uint64 id, address reviewer);
    error ScenarioRegistryWrongStatus(uint64 id, ScenarioStatus status);
    error ScenarioRegistryNotAuthorized(uint64 id, address account);
    error ScenarioRegistryNotApproved(uint64 id, ScenarioStatus status);
    error ScenarioRegistryAuthorizationInactive(uint64 id, uint64 authorizationId, uint64 at);
    error ScenarioRegistryResourceNotAuthorizable(uint64 id, uint64 resourceId);
    /// @notice Fewer review opinions than the profile's scenarioOpinionQuorum (C13).
    /// @dev 004 第十五条: 会同专家组 ... 评估; 000 第十六条: 专家审核委员会 ... 综合评审.
    error ScenarioRegistryTooFewOpinions(uint64 id, uint16 opinions, uint8 required);
    /// @notice A majority of the review opinions object: the authority may not approve (C13).
    /// @dev 002 第二十三条; 004 第十五条: 一场景一审定 on the review's findings.
    error ScenarioRegistryOpinionsAgainst(uint64 id, uint16 approvingOpinions, uint16 objectingOpinions);

    /// @notice A signer of the authorization's holder proposes a scenario under it.
    /// @dev 002 第二十三条: 一场景一授权; 004 第十五条: 结合应用场景编制数据资源目录 — the scenario
    /// lists the minimal resources it needs (C14; 003 第二十五条), all within the authorization's scope.
    /// The authorization may still be pending, but not rejected, terminated, revoked, exited or expired.
    /// `request.publicText` (required) is the scenario's public name and purpose (C21, C34).
    function proposeScenario(ScenarioRequest calldata request) external returns (uint64 id);

    /// @notice Records one review opinion on a proposed scenario. EXPERT or DATA_AUTHORITY, once per
    /// account, never a signer of the holder.
    /// @dev 004 第十五条: 会同专家组 ... 评估需求申请的合理性、合规性和安全性.
    function recordOpinion(uint64 id, bool pass, bytes32 opinionHash) external;

    /// @notice Approves a proposed scenario: its one review (一场景一审定). DATA_AUTHORITY only.
    /// Decision rule (C13): at least the profile's `scenarioOpinionQuorum` review opinions are
    /// recorded (IAuthorizationRegistry.Policy), and the objecting ones are not a majority of
    /// them (objecting <= approving): the authority decides, but never against a majority of
    /// the reviewers. Rejection needs no opinion.
    /// @dev 002 第二十三条; 004 第十五条; 000 第九条 (一场景一审核), 第十六条. An approved scenario is never re-reviewed.
    /// `statement` is the optional public statement of the approval (C21).
    function approveScenario(uint64 id, bytes32 decisionHash, string calldata statement) external;

    /// @notice Rejects a proposed scenario: its one review, final. DATA_AUTHORITY only.
    /// `statement` is the public reason (required).
    /// @dev C13; C21 (002 第二十一条): the reason of a refusal is disclosed.
    function rejectScenario(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice Retires a proposed or approved scenario: the authority or a signer of the holder.
    /// Products serving it stop being usable. `statement` is the public reason (required).
    /// @dev C21.
    function retireScenario(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice One scenario.
    function scenario(uint64 id) external view returns (Scenario memory);

    /// @notice True when scenario `id` is approved (and not retired).
    /// @dev 001 第二十二条: products may not serve an unreviewed scenario (C17).
    function isApproved(uint64 id) external view returns (bool);

    /// @notice True when scenario `id` is approved, its authorization (with its parents) is active
    /// at `at`, and every resource it lists is still authorizable at `at` (C10, C36; see
    /// IResourceCatalog.isAuthorizable). Approval is read as it stands now.
    function isUsable(uint64 id, uint64 at) external view returns (bool);

    /// @notice Reverts unless scenario `id` is usable at `at` (see `isUsable`), naming why.
    /// @dev 000 第九条; C13: data may be used only for the approved scenario.
    function requireUsable(uint64 id, uint64 at) external view;

    /// @notice True when scenario `id` lists `resourceId` among the resources it needs (C14).
    function usesResource(uint64 id, uint64 resourceId) external view returns (bool);

    /// @notice Number of scenarios (ids run from 1 to this).
    function scenarioCount() external view returns (uint64);
}
