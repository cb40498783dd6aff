// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AuthorizationMode} from "../common/Types.sol";

/**
 * @title IAuthorizationRegistry
 * @notice Calls for applications, authorizations through their whole lifecycle (000 第十条;
 * 004 第十一条), two tiers (004 第七条), and resource grants (001 第十八条).
 *
 * Applied -> PreReviewed -> ExpertReviewed -> Approved | Rejected -> Noticed -> Active
 *   -> Suspended -> Active | Terminated ; Active -> Expired | Revoked | Exited
 *
 * Every change of the stored status after the application emits `AuthorizationStatusChanged`
 * (reviews too, alongside `AuthorizationReviewed`); the application itself is
 * `AuthorizationApplied` (status Applied). So an indexer follows the status from those two events.
 *
 * Expert review decides by the first side to reach `Policy.expertQuorum`: that many approvals
 * pass it (ExpertReviewed), that many objections reject the application (Rejected). Opinions
 * arrive one at a time, so the deciding side always holds the majority of the opinions cast
 * (at most 2 x quorum - 1 are ever recorded): a dissent is never outvoted by a minority.
 *
 * Expiry is a fact of time, not a transaction: `statusAt` and `isActive` evaluate it.
 */
interface IAuthorizationRegistry {
    /// @notice Stored status. `Expired` is never stored: `statusAt` derives it from the term.
    enum AuthorizationStatus {
        None,
        Applied, // 提交申请
        PreReviewed, // 初审通过
        ExpertReviewed, // 专家评审通过 (quorum of EXPERT approvals)
        Approved, // 审定
        Rejected, // 不予授权 (terminal)
        Noticed, // 公示中
        Active, // 授权生效
        Suspended, // 暂停 (rectification or emergency)
        Terminated, // 整改不到位, 终止 (terminal)
        Revoked, // 撤销 (terminal)
        Exited, // 退出 (terminal)
        Expired // 期满 (derived only)
    }

    /// @notice Step of a resource grant (001 第十八条).
    enum GrantStatus {
        None,
        Requested, // requested by the application
        PreReviewed, // the parent operator pre-reviewed (tier 2 only)
        Evaluated, // the authority evaluated
        Confirmed, // the source department confirmed
        Refused // refused at some step (terminal)
    }

    /// @notice Which review an opinion belongs to.
    enum ReviewStage {
        None,
        PreReview, // 初审 / 预审
        Expert // 专家评审
    }

    /// @notice The numbers of the policy profile that the chain enforces. The ScenarioRegistry,
    /// ProductRegistry and AgreementRegistry read theirs from here (`policy()`), so one
    /// constructor argument carries the whole profile and its C38 check.
    struct Policy {
        uint8 maxTermYears; // C06: 3 (Yangzhou 2); never above the national 5 (C38)
        uint8 tiers; // C07: 1 or 2
        uint8 expertQuorum; // C03: expert approvals that pass an application, or objections that reject it
        uint8 scenarioOpinionQuorum; // C13: review opinions a scenario needs before its approval (>= 1)
        uint8 productReviewQuorum; // C18: passed reviews since the last failed one that a product needs (>= 1)
        uint8 tier2AgreementKinds; // C15: agreement kinds that may activate a tier-2 authorization, bit (1 << kind) each
        uint64 noticeMinSeconds; // C04: calendar floor of the notice window (5 working days >= 5 days)
    }

    /// @notice A call for applications (征集公告) and its selection result (C35).
    struct Call {
        uint64 organizerId; // organizing body (participant), C01
        AuthorizationMode mode; // comprehensive or domain
        uint64 publishedAt; // block time of publication
        uint64 closesAt; // applications accepted until then
        bool closed; // the selection result is recorded
        bytes32 announcementHash; // hash of the announcement
        bytes32 resultHash; // hash of the selection result document
    }

    /// @notice An application (C02): more than four values, so a request struct.
    struct ApplicationRequest {
        uint64 parentId; // 0 for an operator (tier 1); the operator's authorization for a developer
        uint64 holderId; // the applicant participant
        uint64 callId; // the call answered (tier 1 only; 0 for tier 2)
        uint64 termStart; // requested term start
        uint64 termEnd; // requested term end
        bytes32 materialsHash; // hash of the application materials
        uint64[] resourceIds; // requested resources, strictly ascending
        bytes32[] domains; // requested domains (keccak256 of the domain code), strictly ascending
    }

    /// @notice An authorization.
    struct Authorization {
        uint64 parentId; // 0 for tier 1
        uint64 holderId; // the authorized participant
        uint64 callId; // the call it answered (tier 1)
        uint64 organizerId; // organizing body: the call's organizer, or the parent's holder
        AuthorizationMode mode; // C01
        AuthorizationStatus status; // stored status
        uint8 tier; // 1 operator, 2 developer
        uint8 expertApprovals; // EXPERT approvals so far
        uint8 expertRejections; // EXPERT objections so far
        bool exitRequested; // the holder applied to exit (C25)
        uint64 termStart; // term start
        uint64 termEnd; // term end (exclusive)
        uint64 appliedAt; // block time of the application
        uint64 noticeEnd; // end of the public notice window
        uint64 activatedAt; // block time of (the last) activation
        uint64 statusChangedAt; // block time of the last status change
        uint64 exitNoticeEnd; // end of the exit notice (0: none)
        uint64 agreementId; // the agreement that made it active (C05)
        bytes32 materialsHash; // application materials
        uint64[] resourceIds; // scope: resources
        bytes32[] domains; // scope: domains
    }

    /// @notice A call for applications was published (C35); `publicText` is its public title (C21).
    event CallPublished(
        uint64 indexed callId,
        uint64 indexed organizerId,
        AuthorizationMode mode,
        uint64 closesAt,
        bytes32 announcementHash,
        string publicText,
        address by
    );
    /// @notice The selection result of a call was recorded (C35).
    event CallClosed(uint64 indexed callId, bytes32 resultHash, uint64[] selectedHolderIds, address by);
    /// @notice An application was filed; it carries the whole request (C01, C02).
    event AuthorizationApplied(
        uint64 indexed id,
        uint64 indexed parentId,
        uint64 indexed holderId,
        uint64 organizerId,
        AuthorizationMode mode,
        uint8 tier,
        ApplicationRequest request,
        address applicant
    );
    /// @notice A review opinion was recorded (C03); `status` is the status after it. `statement` is
    /// the opinion's public statement (C21): required for a failing opinion, may be empty otherwise.
    event AuthorizationReviewed(
        uint64 indexed id,
        ReviewStage stage,
        bool pass,
        bytes32 opinionHash,
        AuthorizationStatus status,
        string statement,
        address reviewer
    );
    /// @notice The status changed; `emergency` marks a risk stop (C30). `statement` is the public
    /// statement of the decision (C21): required for a rejection, suspension, termination,
    /// revocation; may be empty for a routine step (reviews, notice, activation, exit).
    event AuthorizationStatusChanged(
        uint64 indexed id,
        AuthorizationStatus from,
        AuthorizationStatus to,
        bytes32 reasonHash,
        bool emergency,
        string statement,
        address by
    );
    /// @notice The decision entered public notice until `noticeEnd` (C04). `earliestEnd` is the
    /// end of the profile's working days on the WorkingDayCalendar; `calendarProvisional` says
    /// that a year without a set schedule was counted by the provisional rule.
    event AuthorizationNoticed(uint64 indexed id, uint64 noticeEnd, uint64 earliestEnd, bool calendarProvisional, address by);
    /// @notice The authorization became active under agreement `agreementId` (C05).
    event AuthorizationActivated(
        uint64 indexed id,
        uint64 indexed agreementId,
        uint64 termStart,
        uint64 termEnd,
        address by
    );
    /// @notice The holder applied to exit (C25).
    event ExitRequested(uint64 indexed id, bytes32 reasonHash, address by);
    /// @notice The authority reviewed an exit application; if approved it is noticed until `noticeEnd`.
    /// `statement` is the public statement (C21; required for a refusal).
    event ExitReviewed(
        uint64 indexed id,
        bool approved,
        uint64 noticeEnd,
        bytes32 opinionHash,
        string statement,
        address by
    );
    /// @notice A resource grant moved to `status` (C12). `statement` is the step's public
    /// statement (C21): required when the step refuses the grant, may be empty otherwise.
    event GrantAdvanced(
        uint64 indexed authorizationId,
        uint64 indexed resourceId,
        GrantStatus status,
        bytes32 opinionHash,
        string statement,
        address by
    );

    error AuthorizationRegistryPolicyInvalid(string field);
    error AuthorizationRegistryPolicyExceedsNational(uint8 maxTermYears, uint8 nationalMaxTermYears);
    error AuthorizationRegistryUnknownCall(uint64 callId);
    error AuthorizationRegistryCallClosed(uint64 callId);
    /// @notice The call still takes applications until `closesAt`: no selection result before it.
    /// @dev 000 第十条(2); 002 第十二条.
    error AuthorizationRegistryCallStillOpen(uint64 callId, uint64 closesAt, uint64 now);
    /// @notice A selection result names `holderId` twice.
    /// @dev 002 第十二条.
    error AuthorizationRegistryDuplicateSelection(uint64 callId, uint64 holderId);
    /// @notice Operator authorization `id` answers call `callId`, whose selection result is not recorded yet.
    /// @dev 002 第十二条; 000 第十条.
    error AuthorizationRegistryCallNotClosed(uint64 id, uint64 callId);
    /// @notice Operator authorization `id`'s holder `holderId` is not in the selection result of call `callId`.
    /// @dev 002 第十二条; 000 第十条; 004 第十一条.
    error AuthorizationRegistryNotSelected(uint64 id, uint64 callId, uint64 holderId);
    error AuthorizationRegistryInvalidOrganizer(uint64 organizerId, AuthorizationMode mode);
    error AuthorizationRegistryUnknownAuthorization(uint64 id);
    error AuthorizationRegistryWrongStatus(uint64 id, AuthorizationStatus status);
    error AuthorizationRegistryInvalidTerm(uint64 termStart, uint64 termEnd);
    error AuthorizationRegistryTermExceedsPolicy(uint64 termEnd, uint64 maxTermEnd);
    error AuthorizationRegistryTooManyTiers(uint8 tier, uint8 maxTiers);
    error AuthorizationRegistryInvalidScope(string reason);
    error AuthorizationRegistryChildExceedsParent(uint64 parentId, string reason);
    error AuthorizationRegistryParentInactive(uint64 parentId);
    error AuthorizationRegistryInvalidCallReference(uint64 callId);
    error AuthorizationRegistryZeroHash();
    error AuthorizationRegistryAlreadyReviewed(uint64 id, address expert);
    error AuthorizationRegistryConflictOfInterest(uint64 id, address expert);
    error AuthorizationRegistryNoticeTooShort(uint64 noticeEnd, uint64 earliest);
    error AuthorizationRegistryNoticeOpen(uint64 id, uint64 noticeEnd);
    error AuthorizationRegistryTermOver(uint64 id, uint64 termEnd);
    error AuthorizationRegistryGrantsIncomplete(uint64 id, uint256 confirmed, uint256 required);
    error AuthorizationRegistryWrongGrantStatus(uint64 id, uint64 resourceId, GrantStatus status);
    error AuthorizationRegistryNotAuthorized(uint64 id, address account);
    error AuthorizationRegistryNoExitRequest(uint64 id);
    error AuthorizationRegistryExitPending(uint64 id);

    // ===== CALLS (C35) =====

    /// @notice Publishes a call for applications organized by `organizerId` (a signer of it).
    /// Comprehensive calls are organized by the authority or implementing agency, domain calls by
    /// the authority or a source department.
    /// `publicText` (required) is the call's public title, carried in `CallPublished` only.
    /// @dev 000 第五条, 第十条(1); 002 第十二条: open, competitive selection. C21 (000 第十四条).
    function publishCall(
        uint64 organizerId,
        AuthorizationMode mode,
        uint64 closesAt,
        bytes32 announcementHash,
        string calldata publicText
    ) external returns (uint64 callId);

    /// @notice Records the selection result of a call (a signer of its organizer), once the call
    /// has closed (`closesAt` reached). `selectedHolderIds` are the selected operators, each
    /// once; only they can have their applications to this call approved (`approve`).
    /// @dev 002 第十二条; 000 第十条(2): applications within the announced time.
    function closeCall(uint64 callId, bytes32 resultHash, uint64[] calldata selectedHolderIds) external;

    // ===== LIFECYCLE =====

    /// @notice Files an application. A signer of `holderId` only.
    /// @dev 000 第十条(2); 004 第十一条; 004 第七条 (two tiers); 001 第十三条 (term).
    function applyFor(ApplicationRequest calldata request) external returns (uint64 id);

    /// @notice Pre-review (初审): the authority or implementing agency for tier 1, the parent
    /// operator for tier 2. A failed pre-review rejects the application. Emits
    /// `AuthorizationReviewed` and `AuthorizationStatusChanged`. `statement`: the public reason,
    /// required when it fails (the rejection's reason, C21), optional when it passes.
    /// @dev 000 第十条(3); 001 第十一条; C21: 000 第十四条, 002 第二十一条.
    function preReview(uint64 id, bool pass, bytes32 opinionHash, string calldata statement) external;

    /// @notice Records one expert's opinion. EXPERT only, once per expert, never a signer of the holder.
    /// The first side to reach `Policy.expertQuorum` decides: that many approvals move the
    /// application to ExpertReviewed, that many objections to Rejected (the deciding side then
    /// holds the majority of the opinions cast). A deciding opinion also emits `AuthorizationStatusChanged`.
    /// @dev 000 第十条(4)(5): 专家评审, the authority decides 结合专家评审意见; 001 第十一条: 专家综合评审,
    /// 评审结果报区人民政府审定; 004 第十一条(三): 组织专家组进行综合评审 (C03). `statement`: the
    /// public reason of an objection (required when `pass` is false; C21), carried by
    /// `AuthorizationReviewed` and, when that objection decides, by `AuthorizationStatusChanged`.
    function expertReview(uint64 id, bool pass, bytes32 opinionHash, string calldata statement) external;

    /// @notice Approves an application that passed pre-review and expert review. DATA_AUTHORITY only.
    /// An operator (tier 1) is approved only once its call is closed and the recorded selection
    /// result names its holder (`isSelected`). `statement`: the optional public statement (C21).
    /// @dev C03: approval needs both reviews. C35, 002 第十二条: operators come out of the recorded
    /// competitive selection.
    function approve(uint64 id, bytes32 decisionHash, string calldata statement) external;

    /// @notice Rejects an application at any step before activation. DATA_AUTHORITY only.
    /// `statement`: the public reason (required).
    /// @dev C21 (000 第十四条; 002 第二十一条).
    function reject(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice Opens the public notice of an approval until `noticeEnd`: at least the profile's
    /// working days (`noticeMinSeconds / 1 days`) counted on the WorkingDayCalendar from the day
    /// after today, to the end of the last one, and never less than `noticeMinSeconds`.
    /// DATA_AUTHORITY or IMPLEMENTING_AGENCY.
    /// @dev 000 第十条(5): 公示不少于5个工作日. A notice started before a holiday week runs past it.
    function startNotice(uint64 id, uint64 noticeEnd) external;

    /// @notice Activates a noticed authorization once the notice is over, every resource grant is
    /// confirmed, every resource is still authorizable (listed, registered, open or desensitized,
    /// with the consent it needs) and `agreementId` is an effective, filed agreement covering it.
    /// DATA_AUTHORITY only.
    /// @dev 000 第十条(6); 001 第十三条; 001 第十八条.
    function activate(uint64 id, uint64 agreementId) external;

    /// @notice Suspends an active authorization for rectification. DATA_AUTHORITY only.
    /// `statement`: the public reason (required).
    /// @dev 001 第三十八条; 000 第二十六条; C21.
    function suspend(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice Stops an active authorization at once on a discovered risk: the authority, a
    /// regulator, the holder itself or the parent operator. `statement`: the public reason (required).
    /// @dev 001 第二十一条; 004 第十七条; C21.
    function emergencySuspend(uint64 id, bytes32 riskHash, string calldata statement) external;

    /// @notice Reinstates a suspended authorization after rectification. DATA_AUTHORITY only.
    /// `statement`: the optional public statement (C21).
    function reinstate(uint64 id, bytes32 rectificationHash, string calldata statement) external;

    /// @notice Terminates a suspended authorization whose rectification failed. DATA_AUTHORITY only.
    /// `statement`: the public reason (required).
    /// @dev 001 第三十八条; C21.
    function terminate(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice Revokes an authorization that is approved, noticed, active or suspended. DATA_AUTHORITY only.
    /// `statement`: the public reason (required).
    /// @dev 001 第十四条: access closes at once; C21.
    function revoke(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice The holder applies to exit. A signer of the holder only.
    /// @dev 000 第二十六条.
    function requestExit(uint64 id, bytes32 reasonHash) external;

    /// @notice The authority reviews an exit application; an approval opens the exit notice, as
    /// long as a decision's notice (working days on the WorkingDayCalendar, see `startNotice`).
    /// `statement`: the public statement, required for a refusal.
    /// @dev 000 第二十六条: exit is reviewed and publicly noticed; C21.
    function reviewExit(
        uint64 id,
        bool approve,
        uint64 noticeEnd,
        bytes32 opinionHash,
        string calldata statement
    ) external;

    /// @notice Completes an approved exit after its notice. DATA_AUTHORITY only.
    function completeExit(uint64 id) external;

    // ===== RESOURCE GRANTS (C12) =====

    /// @notice The parent operator pre-reviews a developer's resource grant (tier 2 only).
    /// `statement`: the public reason (C21), required when `pass` is false.
    /// @dev 001 第十八条: 运营合作方 requests go through the operator first.
    function preReviewGrant(uint64 id, uint64 resourceId, bool pass, bytes32 opinionHash, string calldata statement) external;

    /// @notice The authority evaluates a resource grant. DATA_AUTHORITY only.
    /// `statement`: the public reason (C21), required when `pass` is false.
    /// @dev 001 第十八条: within 5 working days (the service monitors).
    function evaluateGrant(uint64 id, uint64 resourceId, bool pass, bytes32 opinionHash, string calldata statement) external;

    /// @notice The resource's source department confirms a resource grant. Its signer only.
    /// `statement`: the public reason (C21), required when `pass` is false.
    /// @dev 001 第十八条: within 5 working days (the service monitors).
    function confirmGrant(uint64 id, uint64 resourceId, bool pass, bytes32 opinionHash, string calldata statement) external;

    // ===== GETTERS =====

    /// @notice The chain-enforced policy numbers.
    function policy() external view returns (Policy memory);

    /// @notice One call.
    function call(uint64 callId) external view returns (Call memory);

    /// @notice True when the recorded selection result of call `callId` names operator `holderId`.
    /// @dev 002 第十二条.
    function isSelected(uint64 callId, uint64 holderId) external view returns (bool);

    /// @notice One authorization.
    function authorization(uint64 id) external view returns (Authorization memory);

    /// @notice The holder of authorization `id`; reverts if unknown. Cheaper than `authorization`.
    function holderOf(uint64 id) external view returns (uint64);

    /// @notice The effective status at `at`: the status stored now, or Expired once the term is over
    /// at `at` (the stored status is not historical; see `isActive`).
    function statusAt(uint64 id, uint64 at) external view returns (AuthorizationStatus);

    /// @notice True when `id` is active at `at` BY TODAY'S STATUSES: stored Active now and activated
    /// by `at`, `at` within its term, its holder an active participant now, and (recursively) its
    /// parent active at `at` by the same rule.
    /// @dev IMPORTANT: what is dated (activation, term, expiry) is read at `at`; what is stored
    /// (status, suspension, revocation, the holder's status) is read as it stands now. So after a
    /// revocation, moments when the authorization was in force read false. Whether it was in force
    /// at a past moment is a question for the history in the events (the ledger-service answers it
    /// with `?at=`); on chain, use `at` = now. C24 (access closes at once on revocation).
    function isActive(uint64 id, uint64 at) external view returns (bool);

    /// @notice Reverts with the reason unless `id` is active now (see `isActive`).
    function requireActive(uint64 id) external view;

    /// @notice True when `resourceId` is in the scope of `id`.
    function inScope(uint64 id, uint64 resourceId) external view returns (bool);

    /// @notice The grant step of one resource of an authorization.
    function grantStatus(uint64 id, uint64 resourceId) external view returns (GrantStatus);

    /// @notice Number of authorizations (ids run from 1 to this).
    function authorizationCount() external view returns (uint64);
}
