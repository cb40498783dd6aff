// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IOversightRegistry} from "./interfaces/IOversightRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IResourceCatalog} from "./interfaces/IResourceCatalog.sol";
import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";
import {IProductRegistry} from "./interfaces/IProductRegistry.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PublicText} from "./common/PublicText.sol";
import {DateMath} from "./common/DateMath.sol";
import {
    DATA_AUTHORITY,
    PLATFORM_NODE,
    PARTICIPANT_REGISTRY,
    RESOURCE_CATALOG,
    AUTHORIZATION_REGISTRY,
    PRODUCT_REGISTRY,
    ParticipantKind
} from "./common/Types.sol";

/**
 * @title OversightRegistry
 * @notice Objections and quality feedback, conditional sharing, periodic reports, evaluations,
 * annual disclosures and operation filings: the records whose deadlines the ledger-service
 * watches. The chain records working-day counts and block times; the service owns the calendar.
 * @dev C16, C26, C27, C28, C29, C32, C37; C34 (digests only).
 */
contract OversightRegistry is HubConsumer, IOversightRegistry {
    /// @notice Most products read when routing a case about a product through its lineage.
    uint256 public constant MAX_LINEAGE_WALK = 32;
    /// @notice Years accepted in periods, evaluations and disclosures.
    uint16 public constant MIN_YEAR = 2000;
    uint16 public constant MAX_YEAR = 2999;
    /// @dev 2000-01-01T00:00:00+08:00: year starts are counted from it in China Standard Time.
    uint64 private constant _Y2000_CST = 946_656_000;
    uint64 private constant _DAY = 86_400;

    uint8 private immutable _objectionReplyWorkingDays;
    uint8 private immutable _shareReplyWorkingDays;
    uint8 private immutable _shareExecuteWorkingDays;

    uint64 private _caseCount;
    mapping(uint64 caseId => Case) private _cases;

    uint64 private _shareCount;
    mapping(uint64 requestId => ShareRequest) private _shares;

    uint64 private _reportCount;
    mapping(uint64 authorizationId => mapping(ReportKind kind => mapping(uint32 period => uint64 reportId)))
        private _reports;

    uint64 private _evaluationCount;
    mapping(uint64 evaluationId => Evaluation) private _evaluations;
    mapping(uint64 holderId => uint64 evaluationId) private _latestByHolder;
    mapping(uint64 authorizationId => uint64 evaluationId) private _latestByAuthorization;
    mapping(uint64 authorizationId => mapping(uint64 evaluatorId => bool)) private _designatedEvaluators;

    mapping(uint64 participantId => mapping(uint16 year => Disclosure)) private _disclosures;

    uint64 private _operationFilingCount;

    /// @param deadlines_ working days of the policy profile (`deadlines` in policy/profiles/*.json).
    constructor(IProvenantHub hub_, Deadlines memory deadlines_) HubConsumer(hub_) {
        // Ensure that every deadline is at least one working day.
        if (
            deadlines_.objectionReplyWorkingDays == 0 ||
            deadlines_.shareReplyWorkingDays == 0 ||
            deadlines_.shareExecuteWorkingDays == 0
        ) {
            revert OversightRegistryInvalidDeadlines(
                deadlines_.objectionReplyWorkingDays,
                deadlines_.shareReplyWorkingDays,
                deadlines_.shareExecuteWorkingDays
            );
        }
        _objectionReplyWorkingDays = deadlines_.objectionReplyWorkingDays;
        _shareReplyWorkingDays = deadlines_.shareReplyWorkingDays;
        _shareExecuteWorkingDays = deadlines_.shareExecuteWorkingDays;
    }

    // ===== CASES (C26, C27) =====

    /// @inheritdoc IOversightRegistry
    function fileCase(CaseRequest calldata request) external returns (uint64 caseId) {
        if (request.kind == CaseKind.None) revert OversightRegistryInvalidCaseKind(request.kind);
        if (request.contentDigest == bytes32(0)) revert OversightRegistryZeroDigest("content");
        // Ensure that the filer is a participant acting through its key, or a platform node
        // acting for a data subject who appears only as a salted digest (C34).
        if (request.filerId == 0) {
            _checkRole(PLATFORM_NODE);
            if (request.personDigest == bytes32(0)) revert OversightRegistryZeroDigest("person");
        } else {
            _checkSigner(request.filerId);
        }
        uint64 departmentId = _route(request.subjectKind, request.subjectId, request.departmentId);
        (uint64 handlerId, uint64 traceId) = _firstLevel(request, departmentId);

        caseId = ++_caseCount;
        _cases[caseId] = Case({
            kind: request.kind,
            subjectKind: request.subjectKind,
            outcome: CaseOutcome.None,
            level: 1,
            replyWorkingDays: _objectionReplyWorkingDays,
            subjectId: request.subjectId,
            filerId: request.filerId,
            departmentId: departmentId,
            handlerId: handlerId,
            traceAuthorizationId: traceId,
            filedAt: _now(),
            answeredAt: 0
        });
        CaseRequest memory routed = request;
        routed.departmentId = departmentId;
        emit CaseFiled(
            caseId,
            departmentId,
            request.subjectId,
            routed,
            handlerId,
            _objectionReplyWorkingDays,
            _now(),
            msg.sender
        );
    }

    /// @inheritdoc IOversightRegistry
    function forwardFeedback(uint64 caseId, uint64 forwarderId, bytes32 noteDigest) external {
        Case storage c = _openCase(caseId);
        if (c.kind != CaseKind.QualityFeedback) revert OversightRegistryNotForwardable(caseId, c.kind);
        uint64 departmentId = c.departmentId;
        // Ensure that a case at its source department goes no further: the department answers it.
        if (c.traceAuthorizationId == 0) revert OversightRegistryAtSource(caseId, departmentId);
        // Ensure that only the party the case sits with forwards it (逐级: no level is skipped
        // and no bystander moves it), through its own active signer.
        if (forwarderId != c.handlerId) revert OversightRegistryNotAddressee(caseId, forwarderId, c.handlerId);
        _checkSigner(forwarderId);
        if (noteDigest == bytes32(0)) revert OversightRegistryZeroDigest("note");
        // The next level: the organizer of the forwarder's own authorization (the one above the
        // authorization the forwarder organized), or the department once the top is passed.
        uint64 parentId = _authorizations().authorization(c.traceAuthorizationId).parentId;
        (uint64 toId, uint64 traceId) = _levelAbove(parentId, departmentId);
        uint8 level = c.level + 1;
        c.level = level;
        c.handlerId = toId;
        c.traceAuthorizationId = traceId;
        emit FeedbackForwarded(caseId, departmentId, forwarderId, toId, level, noteDigest, _now(), msg.sender);
    }

    /// @inheritdoc IOversightRegistry
    function answerCase(uint64 caseId, CaseOutcome outcome, bytes32 resolutionDigest) external {
        Case storage c = _openCase(caseId);
        uint64 departmentId = c.departmentId;
        _checkSigner(departmentId);
        if (outcome == CaseOutcome.None) revert OversightRegistryInvalidCaseOutcome(outcome);
        if (resolutionDigest == bytes32(0)) revert OversightRegistryZeroDigest("resolution");
        c.outcome = outcome;
        c.answeredAt = _now();
        emit CaseAnswered(caseId, departmentId, c.kind, outcome, resolutionDigest, c.filedAt, _now(), msg.sender);
    }

    // ===== CONDITIONAL SHARING (C32) =====

    /// @inheritdoc IOversightRegistry
    function requestShare(
        uint64 requesterId,
        uint64 resourceId,
        bytes32 purposeDigest
    ) external returns (uint64 requestId) {
        _checkSigner(requesterId);
        IResourceCatalog.Resource memory r = _resource(resourceId);
        // Ensure that the resource is in the catalog and shared on conditions (003 第二十四条).
        if (r.status != IResourceCatalog.ResourceStatus.Listed && r.status != IResourceCatalog.ResourceStatus.Updated) {
            revert OversightRegistryResourceNotListed(resourceId, r.status);
        }
        if (r.data.shareType != IResourceCatalog.ShareType.Conditional) {
            revert OversightRegistryNotConditional(resourceId, r.data.shareType);
        }
        if (purposeDigest == bytes32(0)) revert OversightRegistryZeroDigest("purpose");
        requestId = ++_shareCount;
        _shares[requestId] = ShareRequest({
            resourceId: resourceId,
            requesterId: requesterId,
            departmentId: r.sourceDeptId,
            status: ShareStatus.Requested,
            requestedAt: _now(),
            repliedAt: 0,
            executedAt: 0
        });
        emit ShareRequested(
            requestId,
            resourceId,
            requesterId,
            r.sourceDeptId,
            purposeDigest,
            _shareReplyWorkingDays,
            _now(),
            msg.sender
        );
    }

    /// @inheritdoc IOversightRegistry
    function replyShare(uint64 requestId, bool grant, bytes32 basisDigest, string calldata statement) external {
        ShareRequest storage s = _shareIn(requestId, ShareStatus.Requested);
        _checkSigner(s.departmentId);
        // Ensure that a refusal cites its legal basis (003 第二十四条).
        if (!grant && basisDigest == bytes32(0)) revert OversightRegistryRefusalWithoutLegalBasis(requestId);
        // Ensure that a refusal says why, in public (C21).
        PublicText.checkStatement(statement, !grant);
        s.status = grant ? ShareStatus.Granted : ShareStatus.Refused;
        s.repliedAt = _now();
        emit ShareReplied(
            requestId,
            s.resourceId,
            s.departmentId,
            grant,
            basisDigest,
            s.requestedAt,
            _now(),
            _shareExecuteWorkingDays,
            statement,
            msg.sender
        );
    }

    /// @inheritdoc IOversightRegistry
    function executeShare(uint64 requestId, bytes32 deliveryDigest) external {
        ShareRequest storage s = _shareIn(requestId, ShareStatus.Granted);
        _checkSigner(s.departmentId);
        if (deliveryDigest == bytes32(0)) revert OversightRegistryZeroDigest("delivery");
        s.status = ShareStatus.Executed;
        s.executedAt = _now();
        emit ShareExecuted(requestId, s.resourceId, s.departmentId, deliveryDigest, s.repliedAt, _now(), msg.sender);
    }

    // ===== REPORTS AND EVALUATIONS (C28, C29) =====

    /// @inheritdoc IOversightRegistry
    function fileReport(
        uint64 authorizationId,
        ReportKind kind,
        uint32 period,
        bytes32 documentHash
    ) external returns (uint64 reportId) {
        uint64 holderId = _holderOf(authorizationId);
        _checkSigner(holderId);
        _checkPeriod(kind, period);
        if (documentHash == bytes32(0)) revert OversightRegistryZeroDigest("document");
        // Ensure that each period is reported once (C28); `_checkPeriod` made sure it has ended,
        // so no early filing can take the place of the genuine report.
        uint64 existing = _reports[authorizationId][kind][period];
        if (existing != 0) revert OversightRegistryDuplicateReport(authorizationId, kind, period, existing);
        reportId = ++_reportCount;
        _reports[authorizationId][kind][period] = reportId;
        emit ReportFiled(reportId, authorizationId, holderId, kind, period, documentHash, _now(), msg.sender);
    }

    /// @inheritdoc IOversightRegistry
    function designateEvaluator(
        uint64 authorizationId,
        uint64 evaluatorId,
        bool designated,
        bytes32 documentHash
    ) external onlyRole(DATA_AUTHORITY) {
        _checkSubject(SubjectKind.Authorization, authorizationId);
        // Ensure that only an active third-party service provider is commissioned (委托第三方).
        if (designated) _participants().requireActive(evaluatorId, ParticipantKind.ServiceProvider);
        if (documentHash == bytes32(0)) revert OversightRegistryZeroDigest("document");
        _designatedEvaluators[authorizationId][evaluatorId] = designated;
        emit EvaluatorDesignated(authorizationId, evaluatorId, designated, documentHash, _now(), msg.sender);
    }

    /// @inheritdoc IOversightRegistry
    function recordEvaluation(EvaluationRequest calldata request) external returns (uint64 evaluationId) {
        // Ensure that the evaluator is the authority, or a third party the authority commissioned
        // for this very authorization (000 第二十五条; 004 第十九条).
        if (request.evaluatorId == 0) {
            _checkRole(DATA_AUTHORITY);
        } else {
            _checkSigner(request.evaluatorId);
            _checkKind(request.evaluatorId, ParticipantKind.ServiceProvider, ParticipantKind.ServiceProvider);
            _checkSubject(SubjectKind.Authorization, request.authorizationId);
            if (!_designatedEvaluators[request.authorizationId][request.evaluatorId]) {
                revert OversightRegistryNotDesignatedEvaluator(request.authorizationId, request.evaluatorId);
            }
        }
        uint64 holderId = _holderOf(request.authorizationId);
        _checkEndedYear(request.year);
        if (request.score > 100) revert OversightRegistryInvalidScore(request.score);
        if (request.outcome == EvaluationOutcome.None) revert OversightRegistryInvalidEvaluationOutcome(request.outcome);
        if (request.documentHash == bytes32(0)) revert OversightRegistryZeroDigest("document");

        evaluationId = ++_evaluationCount;
        Evaluation memory e = Evaluation({
            evaluationId: evaluationId,
            authorizationId: request.authorizationId,
            holderId: holderId,
            evaluatorId: request.evaluatorId,
            year: request.year,
            score: request.score,
            outcome: request.outcome,
            recordedAt: _now(),
            recordedBy: msg.sender,
            documentHash: request.documentHash
        });
        _evaluations[evaluationId] = e;
        // Ensure that a third party's evaluation never silently displaces the authority's decision
        // of the same year: it is recorded, and the event says it does not count (see the interface).
        bool ofAuthorization = _counts(e, _latestByAuthorization[request.authorizationId]);
        if (ofAuthorization) _latestByAuthorization[request.authorizationId] = evaluationId;
        bool ofHolder = _counts(e, _latestByHolder[holderId]);
        if (ofHolder) _latestByHolder[holderId] = evaluationId;
        emit EvaluationRecorded(evaluationId, request.authorizationId, holderId, e, ofAuthorization, ofHolder);
    }

    // ===== DISCLOSURE (C37) =====

    /// @inheritdoc IOversightRegistry
    function anchorDisclosure(uint64 participantId, uint16 year, uint32 version, bytes32 documentHash) external {
        _checkSigner(participantId);
        ParticipantKind kind = _checkKind(participantId, ParticipantKind.ImplementingAgency, ParticipantKind.Operator);
        _checkEndedYear(year);
        if (documentHash == bytes32(0)) revert OversightRegistryZeroDigest("document");
        Disclosure storage d = _disclosures[participantId][year];
        uint32 previous = d.version;
        // Ensure that versions only move forward: an earlier version is never overwritten.
        if (version <= previous) revert OversightRegistryVersionNotIncreasing(participantId, year, version, previous);
        d.version = version;
        d.anchoredAt = _now();
        d.documentHash = documentHash;
        emit DisclosureAnchored(participantId, year, version, kind, documentHash, previous, _now(), msg.sender);
    }

    // ===== FILINGS (C16) =====

    /// @inheritdoc IOversightRegistry
    function fileOperation(
        SubjectKind subjectKind,
        uint64 subjectId,
        bytes32 kind,
        bytes32 documentHash
    ) external onlyRole(DATA_AUTHORITY) returns (uint64 filingId) {
        _checkSubject(subjectKind, subjectId);
        if (kind == bytes32(0)) revert OversightRegistryZeroDigest("kind");
        if (documentHash == bytes32(0)) revert OversightRegistryZeroDigest("document");
        filingId = ++_operationFilingCount;
        emit OperationFiled(filingId, subjectId, kind, subjectKind, documentHash, _now(), msg.sender);
    }

    // ===== GETTERS =====

    /// @inheritdoc IOversightRegistry
    function deadlines() external view returns (Deadlines memory) {
        return Deadlines(_objectionReplyWorkingDays, _shareReplyWorkingDays, _shareExecuteWorkingDays);
    }

    /// @inheritdoc IOversightRegistry
    function caseRecord(uint64 caseId) external view returns (Case memory) {
        return _case(caseId);
    }

    /// @inheritdoc IOversightRegistry
    function shareRequest(uint64 requestId) external view returns (ShareRequest memory) {
        ShareRequest storage s = _shares[requestId];
        if (s.status == ShareStatus.None) revert OversightRegistryUnknownShareRequest(requestId);
        return s;
    }

    /// @inheritdoc IOversightRegistry
    function reportOf(uint64 authorizationId, ReportKind kind, uint32 period) external view returns (uint64) {
        return _reports[authorizationId][kind][period];
    }

    /// @inheritdoc IOversightRegistry
    function evaluation(uint64 evaluationId) external view returns (Evaluation memory) {
        return _evaluations[evaluationId];
    }

    /// @inheritdoc IOversightRegistry
    function isDesignatedEvaluator(uint64 authorizationId, uint64 evaluatorId) external view returns (bool) {
        return _designatedEvaluators[authorizationId][evaluatorId];
    }

    /// @inheritdoc IOversightRegistry
    function latestEvaluation(uint64 holderId) external view returns (Evaluation memory) {
        return _evaluations[_latestByHolder[holderId]];
    }

    /// @inheritdoc IOversightRegistry
    function latestEvaluationOf(uint64 authorizationId) external view returns (Evaluation memory) {
        return _evaluations[_latestByAuthorization[authorizationId]];
    }

    /// @inheritdoc IOversightRegistry
    function disclosureOf(uint64 participantId, uint16 year) external view returns (Disclosure memory) {
        return _disclosures[participantId][year];
    }

    /// @inheritdoc IOversightRegistry
    function counts()
        external
        view
        returns (uint64 cases, uint64 shareRequests, uint64 reports, uint64 evaluations, uint64 operationFilings)
    {
        return (_caseCount, _shareCount, _reportCount, _evaluationCount, _operationFilingCount);
    }

    // ===== HELPERS =====

    /**
     * @dev The source department responsible for a case about (`kind`, `subjectId`); `named` is
     * the filer's choice (0: let the registry pick).
     */
    function _route(SubjectKind kind, uint64 subjectId, uint64 named) private view returns (uint64 dept) {
        _checkSubject(kind, subjectId);
        if (kind == SubjectKind.Resource) {
            // 一数一源: a resource has exactly one source department (003 第十五条).
            dept = _resource(subjectId).sourceDeptId;
            if (named != 0 && named != dept) revert OversightRegistryNotResponsible(named, kind, subjectId);
            return dept;
        }
        if (kind == SubjectKind.Product) return _routeLineage(subjectId, named);
        uint64[] memory resourceIds = _authorizations().authorization(subjectId).resourceIds;
        if (resourceIds.length == 0) {
            // An authorization scoped by domains only: the filer names the department.
            if (named == 0) revert OversightRegistryNotResponsible(named, kind, subjectId);
            _participants().requireActive(named, ParticipantKind.SourceDepartment);
            return named;
        }
        bool found;
        (found, dept) = _deptAmong(resourceIds, named);
        if (!found) revert OversightRegistryNotResponsible(named, kind, subjectId);
    }

    /**
     * @dev The source department of a resource in the lineage of product `productId`: its own
     * resources, then its parent products' breadth first, each product read once, at most
     * MAX_LINEAGE_WALK of them. `named` must be one of them (0: the first found).
     */
    function _routeLineage(uint64 productId, uint64 named) private view returns (uint64) {
        IProductRegistry products = _products();
        uint64[] memory queue = new uint64[](MAX_LINEAGE_WALK);
        queue[0] = productId;
        uint256 tail = 1;
        bool truncated;
        for (uint256 head = 0; head < tail; ++head) {
            IProductRegistry.Product memory p = products.product(queue[head]);
            (bool found, uint64 dept) = _deptAmong(p.resourceIds, named);
            if (found) return dept;
            for (uint256 i = 0; i < p.parentProductIds.length; ++i) {
                uint64 parent = p.parentProductIds[i];
                if (_contains(queue, tail, parent)) continue;
                if (tail == MAX_LINEAGE_WALK) {
                    truncated = true;
                    break;
                }
                queue[tail++] = parent;
            }
        }
        // Ensure that the department is one of the lineage's, not any source department (C27).
        if (truncated) revert OversightRegistryLineageTooLarge(productId, MAX_LINEAGE_WALK);
        revert OversightRegistryNotResponsible(named, SubjectKind.Product, productId);
    }

    /// @dev The source department of the first of `resourceIds` that `named` is (0: any).
    function _deptAmong(uint64[] memory resourceIds, uint64 named) private view returns (bool, uint64) {
        IResourceCatalog catalog = _catalog();
        for (uint256 i = 0; i < resourceIds.length; ++i) {
            uint64 dept = catalog.resource(resourceIds[i]).sourceDeptId;
            if (named == 0 || named == dept) return (true, dept);
        }
        return (false, 0);
    }

    function _contains(uint64[] memory ids, uint256 length, uint64 id) private pure returns (bool) {
        for (uint256 i = 0; i < length; ++i) if (ids[i] == id) return true;
        return false;
    }

    /**
     * @dev Where a case starts (逐级溯源): quality feedback of an operator or developer starts
     * with the organizer of the filer's authorization the data came by; any other case at the
     * department. Returns the handler and the authorization it organized (0: the department).
     */
    function _firstLevel(CaseRequest calldata request, uint64 departmentId) private view returns (uint64, uint64) {
        uint64 viaId = request.authorizationId;
        ParticipantKind filerKind = request.filerId == 0
            ? ParticipantKind.None
            : _participants().kindOf(request.filerId);
        bool traced = request.kind == CaseKind.QualityFeedback &&
            (filerKind == ParticipantKind.Operator || filerKind == ParticipantKind.Developer);
        if (!traced) {
            // Ensure that a case without a chain names no authorization to follow.
            if (viaId != 0) revert OversightRegistryInvalidTraceAuthorization(request.filerId, viaId);
            return (departmentId, 0);
        }
        // Ensure that the chain follows the filer's own authorization, one that holds the
        // resource the feedback is about (002 第十九条, 第二十条).
        IAuthorizationRegistry auths = _authorizations();
        if (viaId == 0 || viaId > auths.authorizationCount() || auths.holderOf(viaId) != request.filerId) {
            revert OversightRegistryInvalidTraceAuthorization(request.filerId, viaId);
        }
        if (request.subjectKind == SubjectKind.Resource && !auths.inScope(viaId, request.subjectId)) {
            revert OversightRegistryInvalidTraceAuthorization(request.filerId, viaId);
        }
        return _levelAbove(viaId, departmentId);
    }

    /**
     * @dev The level above a holder of authorization `authorizationId` (0: none, the top was
     * passed): its organizer, which then holds the case as the organizer of that authorization;
     * or the department, when there is no authorization left or the organizer is the department.
     */
    function _levelAbove(uint64 authorizationId, uint64 departmentId) private view returns (uint64, uint64) {
        if (authorizationId == 0) return (departmentId, 0);
        uint64 organizerId = _authorizations().authorization(authorizationId).organizerId;
        if (organizerId == departmentId) return (departmentId, 0);
        return (organizerId, authorizationId);
    }

    /// @dev Reverts unless (`kind`, `id`) names a known record.
    function _checkSubject(SubjectKind kind, uint64 id) private view {
        uint64 count;
        if (kind == SubjectKind.Resource) count = _catalog().resourceCount();
        else if (kind == SubjectKind.Authorization) count = _authorizations().authorizationCount();
        else if (kind == SubjectKind.Product) count = _products().productCount();
        if (id == 0 || id > count) revert OversightRegistryUnknownSubject(kind, id);
    }

    function _checkSigner(uint64 participantId) private view {
        if (!_participants().isActiveSigner(participantId, msg.sender)) {
            revert OversightRegistryNotSigner(participantId, msg.sender);
        }
    }

    /// @dev Reverts unless participant `id` is of kind `a` or `b`; returns its kind.
    function _checkKind(uint64 id, ParticipantKind a, ParticipantKind b) private view returns (ParticipantKind kind) {
        kind = _participants().kindOf(id);
        if (kind == ParticipantKind.None) revert IParticipantRegistry.ParticipantRegistryUnknownParticipant(id);
        if (kind != a && kind != b) revert OversightRegistryWrongParticipantKind(id, kind);
    }

    /// @dev yyyymm, yyyyq or yyyy within the accepted years; not in a year that has not begun
    /// (an annual report: not in a year that has not ended).
    function _checkPeriod(ReportKind kind, uint32 period) private view {
        uint256 year;
        bool valid;
        if (kind == ReportKind.MonthlyPartnerSupervision) {
            year = period / 100;
            uint256 month = period % 100;
            valid = month >= 1 && month <= 12;
        } else if (kind == ReportKind.QuarterlyOperation) {
            year = period / 10;
            uint256 quarter = period % 10;
            valid = quarter >= 1 && quarter <= 4;
        } else if (kind == ReportKind.AnnualReport) {
            year = period;
            valid = true;
        }
        if (!valid || year < MIN_YEAR || year > MAX_YEAR) revert OversightRegistryInvalidPeriod(kind, period);
        // Ensure that the period has ended (C28): a report filed early would take the genuine
        // report's place and silence the missing-report alert.
        uint64 endsAt = _periodEnd(kind, period, year);
        if (_now() < endsAt) revert OversightRegistryPeriodNotEnded(kind, period, endsAt);
    }

    /// @dev The first moment (China Standard Time) after a valid period of `year`.
    function _periodEnd(ReportKind kind, uint32 period, uint256 year) private pure returns (uint64) {
        // The month after the period (13: January of the next year).
        uint256 nextMonth = 13;
        if (kind == ReportKind.MonthlyPartnerSupervision) nextMonth = (period % 100) + 1;
        else if (kind == ReportKind.QuarterlyOperation) nextMonth = (period % 10) * 3 + 1;
        if (nextMonth == 13) return _yearStart(year + 1);
        return _yearStart(year) + _daysBeforeMonth(year, nextMonth) * _DAY;
    }

    /// @dev Days of `year` before the first of month `month` (1-12).
    function _daysBeforeMonth(uint256 year, uint256 month) private pure returns (uint64 days_) {
        // Cumulative days at the start of each month of a common year, 16 bits each.
        uint256 table = 0x0000_014e_0130_0111_00f3_00d4_00b5_0097_0078_005a_003b_001f_0000;
        days_ = uint64((table >> (16 * (month - 1))) & 0xffff);
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (leap && month > 2) ++days_;
    }

    /**
     * @dev Whether evaluation `e` counts over the current one `currentId`: a later year always;
     * an earlier year never; the same year unless `e` is a third party's and the current one the
     * authority's (the authority's decision stands until the authority itself evaluates again).
     */
    function _counts(Evaluation memory e, uint64 currentId) private view returns (bool) {
        if (currentId == 0) return true;
        Evaluation storage current = _evaluations[currentId];
        if (e.year != current.year) return e.year > current.year;
        return e.evaluatorId == 0 || current.evaluatorId != 0;
    }

    function _checkEndedYear(uint16 year) private view {
        if (year < MIN_YEAR || year > MAX_YEAR) revert OversightRegistryInvalidYear(year);
        if (_now() < _yearStart(uint256(year) + 1)) revert OversightRegistryYearNotEnded(year);
    }

    /// @dev 1 January of `year`, 00:00 China Standard Time.
    function _yearStart(uint256 year) private pure returns (uint64) {
        return DateMath.addYears(_Y2000_CST, year - MIN_YEAR);
    }

    function _holderOf(uint64 authorizationId) private view returns (uint64) {
        _checkSubject(SubjectKind.Authorization, authorizationId);
        return _authorizations().holderOf(authorizationId);
    }

    function _resource(uint64 resourceId) private view returns (IResourceCatalog.Resource memory) {
        _checkSubject(SubjectKind.Resource, resourceId);
        return _catalog().resource(resourceId);
    }

    function _case(uint64 caseId) private view returns (Case storage c) {
        c = _cases[caseId];
        if (c.kind == CaseKind.None) revert OversightRegistryUnknownCase(caseId);
    }

    function _openCase(uint64 caseId) private view returns (Case storage c) {
        c = _case(caseId);
        if (c.answeredAt != 0) revert OversightRegistryCaseClosed(caseId, c.answeredAt);
    }

    function _shareIn(uint64 requestId, ShareStatus expected) private view returns (ShareRequest storage s) {
        s = _shares[requestId];
        if (s.status == ShareStatus.None) revert OversightRegistryUnknownShareRequest(requestId);
        if (s.status != expected) revert OversightRegistryWrongShareStatus(requestId, s.status);
    }

    function _participants() private view returns (IParticipantRegistry) {
        return IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
    }

    function _catalog() private view returns (IResourceCatalog) {
        return IResourceCatalog(_contract(RESOURCE_CATALOG));
    }

    function _authorizations() private view returns (IAuthorizationRegistry) {
        return IAuthorizationRegistry(_contract(AUTHORIZATION_REGISTRY));
    }

    function _products() private view returns (IProductRegistry) {
        return IProductRegistry(_contract(PRODUCT_REGISTRY));
    }
}
