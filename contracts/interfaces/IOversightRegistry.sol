// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantKind} from "../common/Types.sol";
import {IResourceCatalog} from "./IResourceCatalog.sol";

/**
 * @title IOversightRegistry
 * @notice Oversight records of authorized operation, each with the deadline the service watches:
 *
 * - cases: objections (异议, C27) and data-quality feedback (质量反馈, C26) against a resource,
 *   product or authorization, routed to the responsible source department and answered by it;
 *   quality feedback travels level by level (逐级溯源) back along the path the data came by, each
 *   level forwarded only by the party the case sits with, with every forward recorded;
 * - conditional-sharing requests (有条件共享, C32): request -> grant | refusal with legal basis
 *   -> carried out;
 * - periodic reports (C28), one per (authorization, kind, period), once the period has ended, and
 *   evaluations (C29) by the authority or a third party it designated for the authorization;
 * - annual disclosure versions (C37), strictly increasing per (participant, year);
 * - filings (备案) of operations other than agreements (C16).
 *
 * Deadlines are counted in working days. The chain cannot know the State Council's holiday
 * schedule, so it records the number of working days the deployment's policy profile sets, and
 * the block time of every step; the ledger-service computes calendar due dates with the China
 * holiday calendar and raises the alerts (the M of C26, C27, C28, C32, C37).
 *
 * No personal data: a data subject appears only as a salted digest kept off chain (C34).
 * Every event carries every field a reader needs; the digests live in the events only.
 */
interface IOversightRegistry {
    // ===== TYPES =====

    /// @notice What a case or a filing is about.
    enum SubjectKind {
        None,
        Resource, // a catalog entry (ResourceCatalog id)
        Product, // a data product (ProductRegistry id)
        Authorization // an authorization (AuthorizationRegistry id)
    }

    /// @notice Objection or data-quality feedback.
    enum CaseKind {
        None,
        Objection, // 异议: a data subject or a user objects (001 第三十七条; 003 第二十八条)
        QualityFeedback // 数据质量问题反馈 (001 第二十五条; 002 第二十条)
    }

    /// @notice How the source department resolved a case (003 第二十八条: 更正或者确认).
    enum CaseOutcome {
        None,
        Corrected, // the data was corrected (更正)
        Confirmed // the data was verified and confirmed as it is (确认)
    }

    /// @notice Step of a conditional-sharing request (003 第二十四条).
    enum ShareStatus {
        None,
        Requested, // awaiting the source department's reply (2 working days)
        Granted, // granted, awaiting execution (3 working days from the reply)
        Refused, // refused with a legal basis (terminal)
        Executed // sharing carried out (terminal)
    }

    /// @notice Kinds of periodic report (C28).
    enum ReportKind {
        None,
        MonthlyPartnerSupervision, // 001 第二十八条: period yyyymm, e.g. 202503
        QuarterlyOperation, // 002 第二十八条: period yyyyq, e.g. 20251 for 2025Q1
        AnnualReport // 004 第十九条: period yyyy
    }

    /// @notice Result of an evaluation (C29; 000 第二十六条).
    enum EvaluationOutcome {
        None,
        Pass, // 达标
        Rectify, // 限期整改并重新评估
        Exit // 退出授权运营
    }

    /// @notice Working days the policy profile allows, fixed at deployment (DESIGN section 5).
    struct Deadlines {
        uint8 objectionReplyWorkingDays; // C26, C27: 003 第二十八条 (10)
        uint8 shareReplyWorkingDays; // C32: 003 第二十四条 (2)
        uint8 shareExecuteWorkingDays; // C32: 003 第二十四条 (3, from the reply)
    }

    /// @notice A filing of an objection or quality feedback: more than four values.
    struct CaseRequest {
        CaseKind kind; // objection or quality feedback
        SubjectKind subjectKind; // what it is about
        uint64 subjectId; // id of the resource, product or authorization
        uint64 filerId; // participant the caller signs for; 0 when a PLATFORM_NODE files for a data subject
        uint64 departmentId; // responsible source department; 0 lets the registry route it
        uint64 authorizationId; // quality feedback of an operator or developer: the filer's own authorization the data came by (逐级溯源 follows it up); else 0
        bytes32 contentDigest; // salted digest of the complaint or feedback document
        bytes32 personDigest; // salted digest of the data subject (required when filerId is 0; else 0 or a relayed subject)
    }

    /// @notice A case as stored (the digests are in the events).
    struct Case {
        CaseKind kind; // objection or quality feedback
        SubjectKind subjectKind; // what it is about
        CaseOutcome outcome; // None while open
        uint8 level; // 1 when filed, +1 per forward (逐级溯源)
        uint8 replyWorkingDays; // the reply deadline in working days, from filing
        uint64 subjectId; // id of the subject
        uint64 filerId; // filing participant (0: a data subject through a platform node)
        uint64 departmentId; // the responsible source department
        uint64 handlerId; // the party the case sits with: its current level's addressee (the department at the end)
        uint64 traceAuthorizationId; // the authorization the handler organized, whose holder sent the case up (0: at the department)
        uint64 filedAt; // block time of filing
        uint64 answeredAt; // block time of the answer (0: open)
    }

    /// @notice A conditional-sharing request as stored.
    struct ShareRequest {
        uint64 resourceId; // the Conditional resource asked for
        uint64 requesterId; // the requesting participant
        uint64 departmentId; // the resource's source department, which replies
        ShareStatus status; // see ShareStatus
        uint64 requestedAt; // block time of the request
        uint64 repliedAt; // block time of the grant or refusal (0: none yet)
        uint64 executedAt; // block time of execution (0: not yet)
    }

    /// @notice An evaluation filing: more than four values.
    struct EvaluationRequest {
        uint64 authorizationId; // the evaluated authorization
        uint64 evaluatorId; // 0: the caller evaluates as DATA_AUTHORITY; else a ServiceProvider it signs for
        uint16 year; // the evaluated year (ended)
        uint8 score; // 0-100
        EvaluationOutcome outcome; // pass, rectify or exit
        bytes32 documentHash; // hash of the evaluation report kept off chain
    }

    /// @notice An evaluation as stored (C29).
    struct Evaluation {
        uint64 evaluationId; // id (0: none)
        uint64 authorizationId; // the evaluated authorization
        uint64 holderId; // its holder, the participant whose re-application consults this
        uint64 evaluatorId; // the ServiceProvider participant (0: the authority itself)
        uint16 year; // the evaluated year
        uint8 score; // 0-100
        EvaluationOutcome outcome; // pass, rectify or exit
        uint64 recordedAt; // block time of recording
        address recordedBy; // the key that recorded it
        bytes32 documentHash; // hash of the evaluation report
    }

    /// @notice The latest anchored disclosure of a participant for a year (C37).
    struct Disclosure {
        uint32 version; // latest version (0: none)
        uint64 anchoredAt; // block time it was anchored
        bytes32 documentHash; // hash of the disclosure document
    }

    // ===== EVENTS =====

    /// @notice A case was filed and routed to `departmentId`; `request` holds the resolved
    /// department. It sits first with `handlerId` (the filer's data provider for quality feedback
    /// of an operator or developer, else the department). The reply is due `replyWorkingDays`
    /// working days after `filedAt` (C26, C27).
    event CaseFiled(
        uint64 indexed caseId,
        uint64 indexed departmentId,
        uint64 indexed subjectId,
        CaseRequest request,
        uint64 handlerId,
        uint8 replyWorkingDays,
        uint64 filedAt,
        address by
    );
    /// @notice Quality feedback was forwarded by `forwarderId`, the party it sat with, to `toId`,
    /// the next level up (逐级溯源, C26); `level` is the new level.
    event FeedbackForwarded(
        uint64 indexed caseId,
        uint64 indexed departmentId,
        uint64 indexed forwarderId,
        uint64 toId,
        uint8 level,
        bytes32 noteDigest,
        uint64 forwardedAt,
        address by
    );
    /// @notice The source department answered a case (C26, C27).
    event CaseAnswered(
        uint64 indexed caseId,
        uint64 indexed departmentId,
        CaseKind kind,
        CaseOutcome outcome,
        bytes32 resolutionDigest,
        uint64 filedAt,
        uint64 answeredAt,
        address by
    );
    /// @notice A conditional-sharing request was filed; the reply is due `replyWorkingDays`
    /// working days after `requestedAt` (C32).
    event ShareRequested(
        uint64 indexed requestId,
        uint64 indexed resourceId,
        uint64 indexed requesterId,
        uint64 departmentId,
        bytes32 purposeDigest,
        uint8 replyWorkingDays,
        uint64 requestedAt,
        address by
    );
    /// @notice The source department granted or refused; a grant is to be carried out within
    /// `executeWorkingDays` working days after `repliedAt`; a refusal's `basisDigest` is its
    /// legal basis (C32), and `statement` its public reason (C21; required for a refusal).
    event ShareReplied(
        uint64 indexed requestId,
        uint64 indexed resourceId,
        uint64 indexed departmentId,
        bool granted,
        bytes32 basisDigest,
        uint64 requestedAt,
        uint64 repliedAt,
        uint8 executeWorkingDays,
        string statement,
        address by
    );
    /// @notice A granted share was carried out (C32).
    event ShareExecuted(
        uint64 indexed requestId,
        uint64 indexed resourceId,
        uint64 indexed departmentId,
        bytes32 deliveryDigest,
        uint64 repliedAt,
        uint64 executedAt,
        address by
    );
    /// @notice A periodic report was filed (C28).
    event ReportFiled(
        uint64 indexed reportId,
        uint64 indexed authorizationId,
        uint64 indexed holderId,
        ReportKind kind,
        uint32 period,
        bytes32 documentHash,
        uint64 filedAt,
        address by
    );
    /// @notice The authority designated (or withdrew) `evaluatorId` as third-party evaluator of
    /// one authorization (委托第三方评估机构, C29); `documentHash` is the commission.
    event EvaluatorDesignated(
        uint64 indexed authorizationId,
        uint64 indexed evaluatorId,
        bool designated,
        bytes32 documentHash,
        uint64 at,
        address by
    );
    /// @notice An evaluation was recorded (C29). `latestOfAuthorization` and `latestOfHolder`
    /// say whether it became the evaluation that counts (see `recordEvaluation`): a third party's
    /// evaluation is recorded but does not count over the authority's own of the same year.
    event EvaluationRecorded(
        uint64 indexed evaluationId,
        uint64 indexed authorizationId,
        uint64 indexed holderId,
        Evaluation evaluation,
        bool latestOfAuthorization,
        bool latestOfHolder
    );
    /// @notice A version of a participant's annual disclosure for `year` was anchored (C37).
    event DisclosureAnchored(
        uint64 indexed participantId,
        uint16 indexed year,
        uint32 indexed version,
        ParticipantKind participantKind,
        bytes32 documentHash,
        uint32 previousVersion,
        uint64 anchoredAt,
        address by
    );
    /// @notice An operation was filed (备案) with the authority (C16).
    event OperationFiled(
        uint64 indexed filingId,
        uint64 indexed subjectId,
        bytes32 indexed kind,
        SubjectKind subjectKind,
        bytes32 documentHash,
        uint64 filedAt,
        address by
    );

    // ===== ERRORS =====

    error OversightRegistryInvalidDeadlines(uint8 objectionReply, uint8 shareReply, uint8 shareExecute);
    error OversightRegistryZeroDigest(string field);
    error OversightRegistryUnknownSubject(SubjectKind kind, uint64 id);
    error OversightRegistryInvalidCaseKind(CaseKind kind);
    error OversightRegistryNotSigner(uint64 participantId, address account);
    error OversightRegistryNotResponsible(uint64 departmentId, SubjectKind kind, uint64 subjectId);
    error OversightRegistryUnknownCase(uint64 caseId);
    error OversightRegistryCaseClosed(uint64 caseId, uint64 answeredAt);
    error OversightRegistryNotForwardable(uint64 caseId, CaseKind kind);
    /// @dev 001 第二十五条; 002 第二十条: only the party the case sits with forwards it (逐级).
    error OversightRegistryNotAddressee(uint64 caseId, uint64 forwarderId, uint64 handlerId);
    /// @dev 001 第二十五条: the case already sits with its source department, which answers it.
    error OversightRegistryAtSource(uint64 caseId, uint64 departmentId);
    /// @dev 002 第二十条: quality feedback of an operator or developer names the filer's own
    /// authorization the data came by (a resource subject within its scope); other cases name none.
    error OversightRegistryInvalidTraceAuthorization(uint64 filerId, uint64 authorizationId);
    /// @dev 001 第三十七条; 003 第二十八条: a product's lineage is walked up to this many products.
    error OversightRegistryLineageTooLarge(uint64 productId, uint256 maxProducts);
    error OversightRegistryInvalidCaseOutcome(CaseOutcome outcome);
    error OversightRegistryNotConditional(uint64 resourceId, IResourceCatalog.ShareType shareType);
    error OversightRegistryResourceNotListed(uint64 resourceId, IResourceCatalog.ResourceStatus status);
    error OversightRegistryUnknownShareRequest(uint64 requestId);
    error OversightRegistryWrongShareStatus(uint64 requestId, ShareStatus status);
    error OversightRegistryRefusalWithoutLegalBasis(uint64 requestId);
    error OversightRegistryInvalidPeriod(ReportKind kind, uint32 period);
    /// @dev 001 第二十八条; 002 第二十八条; 004 第十九条: a period is reported once it has ended.
    error OversightRegistryPeriodNotEnded(ReportKind kind, uint32 period, uint64 endsAt);
    error OversightRegistryDuplicateReport(uint64 authorizationId, ReportKind kind, uint32 period, uint64 reportId);
    error OversightRegistryInvalidYear(uint16 year);
    error OversightRegistryYearNotEnded(uint16 year);
    error OversightRegistryInvalidScore(uint8 score);
    error OversightRegistryInvalidEvaluationOutcome(EvaluationOutcome outcome);
    /// @dev 000 第二十五条; 004 第十九条: a third party evaluates only what the authority commissioned.
    error OversightRegistryNotDesignatedEvaluator(uint64 authorizationId, uint64 evaluatorId);
    error OversightRegistryWrongParticipantKind(uint64 participantId, ParticipantKind kind);
    error OversightRegistryVersionNotIncreasing(uint64 participantId, uint16 year, uint32 version, uint32 latest);

    // ===== CASES (C26, C27) =====

    /**
     * @notice Files an objection or quality feedback against a resource, product or
     * authorization: a signer of the active participant `request.filerId`, or (filerId 0) a
     * PLATFORM_NODE key on behalf of a data subject, which then must give `personDigest`.
     * Routing: a resource goes to its source department (a named department must be it); an
     * authorization to the source department of one of its resources; a product to the source
     * department of a resource anywhere in its lineage (its own resources, then its parent
     * products' breadth first, at most MAX_LINEAGE_WALK products read): the named one, or else
     * the first found. An authorization scoped by domains only goes to the named department,
     * which must be an active source department.
     * Level by level (逐级溯源): quality feedback of an operator or developer names in
     * `authorizationId` its own authorization the data came by (for a resource subject, one whose
     * scope holds it); the case then sits first with that authorization's organizer (for a
     * developer, its operator; for an operator, the authority, implementing agency or source
     * department that organized its call), and each forward moves it to the organizer of the
     * next authorization up, then to the responsible department. Other cases sit with the
     * department from the start and name no authorization.
     * @dev 001 第二十五条 (数据质量逐级倒查反馈); 002 第二十条 (逐级溯源); 002 第十九条 (the path
     * the data comes by); 001 第三十七条 (数据主体异议); 003 第二十八条: answered within 10 working
     * days (the profile's number is recorded). C34: only salted digests.
     */
    function fileCase(CaseRequest calldata request) external returns (uint64 caseId);

    /**
     * @notice Forwards open quality feedback one level up (逐级溯源): only `forwarderId` = the
     * party the case sits with (`handlerId`), through an active signer of it, and only to the
     * next level of the case's chain (see `fileCase`); a case at its department is not forwarded.
     * @dev 001 第二十五条; 002 第二十条. The reply clock still runs from filing.
     */
    function forwardFeedback(uint64 caseId, uint64 forwarderId, bytes32 noteDigest) external;

    /**
     * @notice The responsible source department answers an open case, once. A signer of the
     * case's department only, at any level: the department is responsible from filing and its
     * reply clock runs from filing, so an intermediate level never holds the answer back.
     * @dev 003 第二十八条: 10 working days, 更正或者确认; 001 第二十五条: 由数源部门处理并反馈.
     */
    function answerCase(uint64 caseId, CaseOutcome outcome, bytes32 resolutionDigest) external;

    // ===== CONDITIONAL SHARING (C32) =====

    /**
     * @notice Requests a Conditional (有条件共享) resource that is in the catalog. A signer of the
     * active participant `requesterId`.
     * @dev 003 第二十四条: 向数源部门提出共享申请; the reply is due within 2 working days.
     */
    function requestShare(uint64 requesterId, uint64 resourceId, bytes32 purposeDigest) external returns (uint64 requestId);

    /**
     * @notice The resource's source department grants or refuses a request, once. A refusal
     * must carry its legal basis; a grant may carry the approved conditions (or 0).
     * @dev 003 第二十四条: 2 个工作日内予以答复; 拒绝共享的, 应当提供法律、法规、规章依据;
     * 003 第二十五条: conditions of the grant. C21: `statement` is the public reason of a
     * refusal (required then, optional for a grant).
     */
    function replyShare(uint64 requestId, bool grant, bytes32 basisDigest, string calldata statement) external;

    /**
     * @notice The source department records that a granted share was carried out.
     * @dev 003 第二十四条: 答复之日起 3 个工作日内完成共享实施.
     */
    function executeShare(uint64 requestId, bytes32 deliveryDigest) external;

    // ===== REPORTS AND EVALUATIONS (C28, C29) =====

    /**
     * @notice Files a periodic report of an authorization: a signer of its holder (operator or
     * developer). One report per (authorization, kind, period). Periods: yyyymm (monthly),
     * yyyyq (quarterly, q 1-4), yyyy (annual), in China Standard Time; a report is filed only
     * after its period has ended, so an early filing cannot take the period's place.
     * @dev 001 第二十八条 (monthly partner supervision); 002 第二十八条 (quarterly operation);
     * 004 第十九条 (annual report). The ledger-service flags missing ones.
     */
    function fileReport(
        uint64 authorizationId,
        ReportKind kind,
        uint32 period,
        bytes32 documentHash
    ) external returns (uint64 reportId);

    /**
     * @notice Designates (or withdraws) the active ServiceProvider `evaluatorId` as third-party
     * evaluator of one authorization, with the commission's hash. DATA_AUTHORITY only.
     * @dev 000 第二十五条 (委托第三方机构); 001 第二十六条; 004 第十九条 (委托第三方评估机构).
     */
    function designateEvaluator(
        uint64 authorizationId,
        uint64 evaluatorId,
        bool designated,
        bytes32 documentHash
    ) external;

    /**
     * @notice Records an evaluation of an authorization for an ended year: DATA_AUTHORITY
     * (evaluatorId 0), or a signer of the active ServiceProvider `evaluatorId` that the authority
     * designated for this authorization (委托第三方). Several evaluations of one year are allowed
     * (re-evaluation after rectification).
     * Which one counts (`latestEvaluationOf`, `latestEvaluation`): the one of the latest year;
     * within a year, the authority's evaluation stands over a third party's, so a third party's
     * later evaluation of that year is recorded (and the event says it does not count) while only
     * the authority's own later evaluation replaces its decision; otherwise the last recorded.
     * @dev 000 第二十五条, 第二十六条; 004 第十九条: 评估结果作为再次申请授权运营的重要依据.
     */
    function recordEvaluation(EvaluationRequest calldata request) external returns (uint64 evaluationId);

    // ===== DISCLOSURE (C37) =====

    /**
     * @notice Anchors a version of the annual disclosure of `participantId` (an ImplementingAgency
     * or an Operator) for an ended `year`. A signer of that participant; versions strictly increase.
     * @dev National notice on disclosure (2026): by 31 March for the previous year; 000 第十四条;
     * 002 第二十一条. The ledger-service flags missing ones.
     */
    function anchorDisclosure(uint64 participantId, uint16 year, uint32 version, bytes32 documentHash) external;

    // ===== FILINGS (C16) =====

    /**
     * @notice Files (备案) an operation other than an agreement: its subject, a kind (e.g.
     * keccak256("ProductRelease")) and the filed document. DATA_AUTHORITY only. Event only.
     * @dev 000 第十七条 (开展公共数据运营实施的相关工作情况 ... 向市数据主管部门备案); 002 第十四条.
     */
    function fileOperation(
        SubjectKind subjectKind,
        uint64 subjectId,
        bytes32 kind,
        bytes32 documentHash
    ) external returns (uint64 filingId);

    // ===== GETTERS =====

    /// @notice The working-day deadlines recorded with each filing.
    function deadlines() external view returns (Deadlines memory);

    /// @notice One case; reverts if unknown.
    function caseRecord(uint64 caseId) external view returns (Case memory);

    /// @notice One conditional-sharing request; reverts if unknown.
    function shareRequest(uint64 requestId) external view returns (ShareRequest memory);

    /// @notice The report filed for (authorization, kind, period) (0: none).
    function reportOf(uint64 authorizationId, ReportKind kind, uint32 period) external view returns (uint64);

    /// @notice One evaluation (evaluationId 0: unknown).
    function evaluation(uint64 evaluationId) external view returns (Evaluation memory);

    /// @notice Whether the authority designated `evaluatorId` to evaluate `authorizationId`.
    function isDesignatedEvaluator(uint64 authorizationId, uint64 evaluatorId) external view returns (bool);

    /// @notice The evaluation that counts (latest year; within it the authority's over a third
    /// party's, then the last recorded) of any authorization held by `holderId` (evaluationId 0:
    /// none). Consulted on re-application (004 第十九条).
    function latestEvaluation(uint64 holderId) external view returns (Evaluation memory);

    /// @notice The evaluation that counts of one authorization, by the same rule (evaluationId 0: none).
    function latestEvaluationOf(uint64 authorizationId) external view returns (Evaluation memory);

    /// @notice The latest disclosure version of a participant for a year (version 0: none).
    function disclosureOf(uint64 participantId, uint16 year) external view returns (Disclosure memory);

    /// @notice Counts: cases, share requests, reports, evaluations and operation filings.
    function counts()
        external
        view
        returns (uint64 cases, uint64 shareRequests, uint64 reports, uint64 evaluations, uint64 operationFilings);
}
