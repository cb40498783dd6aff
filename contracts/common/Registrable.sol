// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IRegistrable} from "../interfaces/IRegistrable.sol";
import {HubConsumer} from "./HubConsumer.sol";
import {DateMath} from "./DateMath.sol";
import {
    DATA_AUTHORITY,
    REGISTRATION_RENEWAL_WINDOW,
    REGISTRATION_VALIDITY_YEARS,
    RegistrationKind,
    RegistrationStep
} from "./Types.sol";

/**
 * @title Registrable
 * @notice The registration (登记) procedure shared by the ResourceCatalog and the ProductRegistry.
 * @dev C36 (national 《公共数据资源登记管理暂行办法》; 002 第十七条). The inheriting registry says
 * who may apply for a subject through `_checkRegistrationApplicant`.
 */
abstract contract Registrable is HubConsumer, IRegistrable {
    /// @dev Minimum public notice of a registration, in seconds (policy profile).
    uint64 private immutable _registrationNoticeMin;

    uint64 private _applicationCount;
    mapping(uint64 applicationId => RegistrationApplication) private _applications;
    mapping(uint64 subjectId => RegistrationRecord) private _records;
    mapping(bytes32 code => uint64 subjectId) private _subjectByCode;

    constructor(uint64 registrationNoticeMin) {
        _registrationNoticeMin = registrationNoticeMin;
    }

    /// @dev Reverts unless `msg.sender` may apply for the registration of `subjectId`.
    function _checkRegistrationApplicant(uint64 subjectId) internal view virtual;

    /// @inheritdoc IRegistrable
    function applyRegistration(
        uint64 subjectId,
        RegistrationKind kind,
        bytes32 materialsHash
    ) external returns (uint64 applicationId) {
        _checkRegistrationApplicant(subjectId);
        if (materialsHash == bytes32(0)) revert RegistrableZeroHash();
        RegistrationRecord storage rec = _records[subjectId];
        // Ensure that one application at a time is open for a subject.
        if (rec.pendingApplication != 0) revert RegistrableApplicationPending(subjectId, rec.pendingApplication);
        // Ensure that the kind fits: initial only without a live code, the others only with one.
        bool live = rec.code != bytes32(0) && !rec.deregistered;
        if (kind == RegistrationKind.None || (kind == RegistrationKind.Initial) == live) {
            revert RegistrableInvalidKind(subjectId, kind);
        }
        // Ensure that renewals do not stack: one period at a time, near its end (C36).
        if (kind == RegistrationKind.Renewal && rec.validUntil > _now() + REGISTRATION_RENEWAL_WINDOW) {
            revert RegistrableRenewalTooEarly(subjectId, rec.validUntil - REGISTRATION_RENEWAL_WINDOW);
        }
        applicationId = ++_applicationCount;
        _applications[applicationId] = RegistrationApplication({
            subjectId: subjectId,
            kind: kind,
            step: RegistrationStep.Applied,
            appliedAt: _now(),
            noticeEnd: 0,
            materialsHash: materialsHash
        });
        rec.pendingApplication = applicationId;
        emit RegistrationApplied(applicationId, subjectId, kind, materialsHash, msg.sender);
    }

    /// @inheritdoc IRegistrable
    function acceptRegistration(uint64 applicationId, bytes32 opinionHash) external onlyRole(DATA_AUTHORITY) {
        RegistrationApplication storage app = _application(applicationId, RegistrationStep.Applied);
        _advance(applicationId, app, RegistrationStep.Accepted, opinionHash);
    }

    /// @inheritdoc IRegistrable
    function reviewRegistration(
        uint64 applicationId,
        bool pass,
        bytes32 opinionHash
    ) external onlyRole(DATA_AUTHORITY) {
        RegistrationApplication storage app = _application(applicationId, RegistrationStep.Accepted);
        if (opinionHash == bytes32(0)) revert RegistrableZeroHash();
        if (!pass) _records[app.subjectId].pendingApplication = 0;
        _advance(applicationId, app, pass ? RegistrationStep.Reviewed : RegistrationStep.Rejected, opinionHash);
    }

    /// @inheritdoc IRegistrable
    function noticeRegistration(uint64 applicationId, uint64 noticeEnd) external onlyRole(DATA_AUTHORITY) {
        RegistrationApplication storage app = _application(applicationId, RegistrationStep.Reviewed);
        uint64 earliest = _now() + _registrationNoticeMin;
        if (noticeEnd < earliest) revert RegistrableNoticeTooShort(noticeEnd, earliest);
        app.noticeEnd = noticeEnd;
        _advance(applicationId, app, RegistrationStep.Noticed, bytes32(0));
    }

    /// @inheritdoc IRegistrable
    function issueRegistration(uint64 applicationId, bytes32 code) external onlyRole(DATA_AUTHORITY) {
        RegistrationApplication storage app = _application(applicationId, RegistrationStep.Noticed);
        if (_now() < app.noticeEnd) revert RegistrableNoticeOpen(applicationId, app.noticeEnd);
        uint64 subjectId = app.subjectId;
        RegistrationRecord storage rec = _records[subjectId];
        RegistrationKind kind = app.kind;
        uint64 nowTs = _now();
        if (kind == RegistrationKind.Initial) {
            // Ensure that the code is new: one code names one subject for ever.
            if (!_isCodeFormat(code)) revert RegistrableRegistrationCodeInvalid(code);
            uint64 holder = _subjectByCode[code];
            if (holder != 0) revert RegistrableCodeTaken(code, holder);
            _subjectByCode[code] = subjectId;
            rec.code = code;
            rec.issuedAt = nowTs;
            rec.validUntil = DateMath.addYears(nowTs, REGISTRATION_VALIDITY_YEARS);
            rec.deregistered = false;
        } else if (kind == RegistrationKind.Renewal) {
            uint64 base = rec.validUntil > nowTs ? rec.validUntil : nowTs;
            rec.validUntil = DateMath.addYears(base, REGISTRATION_VALIDITY_YEARS);
        } else if (kind == RegistrationKind.Deregistration) {
            rec.deregistered = true;
            rec.validUntil = nowTs;
        }
        // Change and correction keep code and validity: the application records what changed.
        rec.pendingApplication = 0;
        app.step = RegistrationStep.Issued;
        emit RegistrationIssued(applicationId, subjectId, kind, rec.code, rec.issuedAt, rec.validUntil, rec.deregistered);
    }

    /// @inheritdoc IRegistrable
    function registrationApplication(uint64 applicationId) external view returns (RegistrationApplication memory) {
        RegistrationApplication storage app = _applications[applicationId];
        if (app.step == RegistrationStep.None) revert RegistrableUnknownApplication(applicationId);
        return app;
    }

    /// @inheritdoc IRegistrable
    function registrationOf(uint64 subjectId) external view returns (RegistrationRecord memory) {
        return _records[subjectId];
    }

    /// @inheritdoc IRegistrable
    function isRegistered(uint64 subjectId, uint64 at) public view returns (bool) {
        RegistrationRecord storage rec = _records[subjectId];
        return rec.code != bytes32(0) && !rec.deregistered && rec.issuedAt <= at && at < rec.validUntil;
    }

    /// @dev The registration a subject holds, for inheriting registries (no external self-call).
    function _registrationRecord(uint64 subjectId) internal view returns (RegistrationRecord storage) {
        return _records[subjectId];
    }

    function _application(
        uint64 applicationId,
        RegistrationStep expected
    ) private view returns (RegistrationApplication storage app) {
        app = _applications[applicationId];
        if (app.step == RegistrationStep.None) revert RegistrableUnknownApplication(applicationId);
        if (app.step != expected) revert RegistrableWrongStep(applicationId, app.step);
    }

    function _advance(
        uint64 applicationId,
        RegistrationApplication storage app,
        RegistrationStep step,
        bytes32 opinionHash
    ) private {
        app.step = step;
        emit RegistrationAdvanced(applicationId, app.subjectId, step, opinionHash, app.noticeEnd, msg.sender);
    }

    /// @dev True when `code` is 1 to 32 characters `[A-Z0-9-]` from the left, then zero bytes only.
    function _isCodeFormat(bytes32 code) private pure returns (bool) {
        uint256 i = 0;
        for (; i < 32; ++i) {
            bytes1 c = code[i];
            if (c == 0) break;
            if (!((c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-")) return false;
        }
        // Ensure that the code is not empty and that the padding is zero bytes only.
        return i > 0 && (i == 32 || uint256(code) << (8 * i) == 0);
    }
}
