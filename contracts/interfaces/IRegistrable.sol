// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {RegistrationKind, RegistrationStep} from "../common/Types.sol";

/**
 * @title IRegistrable
 * @notice Registration (登记) of a resource or a product under the national registration measures
 * (C36): apply -> accept -> review -> notice -> registration code issued; kinds initial, change,
 * correction, renewal and deregistration; a registration is valid 3 years and renewable.
 */
interface IRegistrable {
    /// @notice One registration application.
    struct RegistrationApplication {
        uint64 subjectId; // the resource or product id
        RegistrationKind kind; // initial, change, correction, renewal, deregistration
        RegistrationStep step; // where the application stands
        uint64 appliedAt; // block time of the application
        uint64 noticeEnd; // end of the public notice window (0 before notice)
        bytes32 materialsHash; // hash of the application materials
    }

    /// @notice The registration a subject holds.
    struct RegistrationRecord {
        bytes32 code; // 登记编号 (0: never registered)
        uint64 issuedAt; // when the current code was first issued
        uint64 validUntil; // end of validity (3 years, extended by renewal)
        uint64 pendingApplication; // open application id (0: none)
        bool deregistered; // true after a deregistration was issued
    }

    /// @notice A registration application was filed.
    event RegistrationApplied(
        uint64 indexed applicationId,
        uint64 indexed subjectId,
        RegistrationKind kind,
        bytes32 materialsHash,
        address applicant
    );
    /// @notice A registration application moved to `step` (Accepted, Reviewed, Noticed, Rejected).
    event RegistrationAdvanced(
        uint64 indexed applicationId,
        uint64 indexed subjectId,
        RegistrationStep step,
        bytes32 opinionHash,
        uint64 noticeEnd,
        address by
    );
    /// @notice A registration took effect: the subject's code and validity after it.
    event RegistrationIssued(
        uint64 indexed applicationId,
        uint64 indexed subjectId,
        RegistrationKind kind,
        bytes32 code,
        uint64 issuedAt,
        uint64 validUntil,
        bool deregistered
    );

    error RegistrableUnknownApplication(uint64 applicationId);
    error RegistrableInvalidKind(uint64 subjectId, RegistrationKind kind);
    error RegistrableApplicationPending(uint64 subjectId, uint64 applicationId);
    error RegistrableWrongStep(uint64 applicationId, RegistrationStep step);
    error RegistrableNoticeTooShort(uint64 noticeEnd, uint64 earliest);
    error RegistrableNoticeOpen(uint64 applicationId, uint64 noticeEnd);
    /// @notice A registration code is printable ASCII `[A-Z0-9-]`, left-aligned and zero-padded
    /// (e.g. "GM-2026-R-0001"), so every replica and page shows it as the same text.
    /// @dev C36 (national registration measures (2025): 登记编号); C21: it is disclosed.
    error RegistrableRegistrationCodeInvalid(bytes32 code);
    error RegistrableCodeTaken(bytes32 code, uint64 subjectId);
    error RegistrableZeroHash();
    /// @notice A renewal opens `opensAt`, the last REGISTRATION_RENEWAL_WINDOW of the validity (C36).
    error RegistrableRenewalTooEarly(uint64 subjectId, uint64 opensAt);

    /// @notice Files a registration application for `subjectId`. The subject's holder only.
    /// @dev C36; 002 第十七条.
    function applyRegistration(uint64 subjectId, RegistrationKind kind, bytes32 materialsHash) external returns (uint64);

    /// @notice Accepts an application for review (受理). DATA_AUTHORITY only.
    function acceptRegistration(uint64 applicationId, bytes32 opinionHash) external;

    /// @notice Records the review result (审核); a failed review rejects the application. DATA_AUTHORITY only.
    function reviewRegistration(uint64 applicationId, bool pass, bytes32 opinionHash) external;

    /// @notice Opens the public notice (公示) until `noticeEnd`. DATA_AUTHORITY only.
    function noticeRegistration(uint64 applicationId, uint64 noticeEnd) external;

    /// @notice After the notice, issues the registration (赋码). `code` is used by initial
    /// registrations only; other kinds keep the subject's code. DATA_AUTHORITY only. A code is
    /// 1 to 32 characters `[A-Z0-9-]`, left-aligned, the rest zero bytes.
    /// @dev C36.
    function issueRegistration(uint64 applicationId, bytes32 code) external;

    /// @notice One application.
    function registrationApplication(uint64 applicationId) external view returns (RegistrationApplication memory);

    /// @notice The registration a subject holds.
    function registrationOf(uint64 subjectId) external view returns (RegistrationRecord memory);

    /// @notice True when the registration the subject holds NOW is valid at `at`: issued by `at`,
    /// not expired at `at`, and not deregistered (a deregistration counts from now back too).
    /// @dev Only the current registration is kept; for the registration held at a past moment,
    /// read the RegistrationIssued events (the ledger-service does).
    function isRegistered(uint64 subjectId, uint64 at) external view returns (bool);
}
